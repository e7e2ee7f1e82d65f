/**
 * A policy config directory for one test: a copy of policy/config/ with client
 * CIDRs approved for one environment, as a reviewer would add them to
 * "database-ingress-by-security-group".allowedCidrs. The program reads it
 * through MLOPS_DATA_POLICY_CONFIG_DIR (infra/policyConfig.ts).
 */
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { ALLOWED_CIDRS_PROPERTY, INGRESS_POLICY } from "../../infra/policyConfig";
import { CONFIG_DIR } from "../../policy/offline/packs";

/** Runs `fn` with the policy config of `environment` approving `cidrs` (or, with `cidrs` null, with no policy config at all). */
export async function withApprovedCidrs<T>(environment: string, cidrs: string[] | null, fn: (policyConfig: Record<string, unknown>) => Promise<T>): Promise<T> {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "policy-config-"));
    const previous = process.env.MLOPS_DATA_POLICY_CONFIG_DIR;
    let doc: Record<string, any> = {};
    if (cidrs !== null) {
        for (const f of fs.readdirSync(CONFIG_DIR)) fs.copyFileSync(path.join(CONFIG_DIR, f), path.join(dir, f));
        const file = path.join(dir, `${environment}.json`);
        doc = JSON.parse(fs.readFileSync(file, "utf8"));
        doc[INGRESS_POLICY] = { ...(doc[INGRESS_POLICY] ?? {}), [ALLOWED_CIDRS_PROPERTY]: cidrs };
        fs.writeFileSync(file, JSON.stringify(doc, null, 2));
    }
    process.env.MLOPS_DATA_POLICY_CONFIG_DIR = dir;
    try {
        return await fn(doc);
    } finally {
        if (previous === undefined) delete process.env.MLOPS_DATA_POLICY_CONFIG_DIR;
        else process.env.MLOPS_DATA_POLICY_CONFIG_DIR = previous;
        fs.rmSync(dir, { recursive: true, force: true });
    }
}
