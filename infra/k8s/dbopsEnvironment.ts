/**
 * The verification contract as the DBOPS_* environment variables `dbops` reads in-cluster:
 * one variable per key of the contract's schema, named by its rule (infra/verification.ts,
 * `contractVariables`). dbops/Contract/EnvironmentContractReader.cs reads the same names;
 * tests/Dbops.Tests reads what this writes and checks its names against docs/contract.schema.json.
 */
import { VerificationContract, contractVariables } from "../verification";

export function dbopsEnvironment(c: VerificationContract): Record<string, string> {
    const env: Record<string, string> = {};
    for (const v of contractVariables()) {
        const value = v.path.split(".").reduce<unknown>((at, key) => (at === null || at === undefined ? undefined : (at as Record<string, unknown>)[key]), c);
        // Absent variables mean null or absent: no reader, no pinned revision, no such store.
        if (value === null || value === undefined) continue;
        env[v.name] = typeof value === "object" ? JSON.stringify(value) : String(value);
    }
    return env;
}
