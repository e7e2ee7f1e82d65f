/**
 * What the policy packs approve, read by config validation so that a stack is
 * told before anything is created what a mandatory policy would refuse later.
 *
 * Client CIDRs: `network.clientCidrs` opens each store's port to those networks
 * by CIDR, which the mandatory policy `database-ingress-by-security-group`
 * (policy/rules/network.ts) refuses unless the CIDR is in that policy's
 * `allowedCidrs` in policy/config/<environment>.json. The approval stays in the
 * policy config, where a reviewer gives it; the stack file only uses it.
 */
import * as fs from "fs";
import * as path from "path";

/** The policy that judges database ingress by CIDR, and its property listing the approved client networks. */
export const INGRESS_POLICY = "database-ingress-by-security-group";
export const ALLOWED_CIDRS_PROPERTY = "allowedCidrs";

/**
 * Where the policy config files are: the `MLOPS_DATA_POLICY_CONFIG_DIR`
 * environment variable when set (the directory CI passes to
 * `--policy-pack-config`, or a test's), else policy/config/ of the repository:
 * the nearest directory above this file that holds Pulumi.yaml, as
 * engine/repoRoot.ts finds it (so it works from the sources and from bin/).
 */
export function policyConfigDir(): string {
    const fromEnv = process.env.MLOPS_DATA_POLICY_CONFIG_DIR;
    if (fromEnv) return fromEnv;
    for (let dir = __dirname; ; dir = path.dirname(dir)) {
        if (fs.existsSync(path.join(dir, "Pulumi.yaml"))) return path.join(dir, "policy", "config");
        if (path.dirname(dir) === dir) return path.join(__dirname, "..", "policy", "config");
    }
}

export type ApprovedCidrs = { file: string; cidrs: string[] } | { file: string; problem: string };

/** The client networks the policy config of an environment approves, or why it cannot be told. */
export function approvedClientCidrs(environment: string): ApprovedCidrs {
    const file = path.join(policyConfigDir(), `${environment}.json`);
    if (!fs.existsSync(file)) return { file, problem: `there is no policy config ${file} for the ${environment} environment, so no client CIDR is approved` };
    let doc: unknown;
    try {
        doc = JSON.parse(fs.readFileSync(file, "utf8"));
    } catch (e) {
        return { file, problem: `the policy config ${file} is not readable JSON (${(e as Error).message})` };
    }
    const entry = (doc as Record<string, unknown> | null)?.[INGRESS_POLICY];
    const cidrs = entry && typeof entry === "object" ? (entry as Record<string, unknown>)[ALLOWED_CIDRS_PROPERTY] : undefined;
    // Absent: the policy's default, none. A malformed list is the policy config's own validation's to report.
    return { file, cidrs: Array.isArray(cidrs) ? cidrs.filter((c): c is string => typeof c === "string") : [] };
}
