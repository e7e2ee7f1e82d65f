/** The repository's policy packs: where each lives and the policies it serves. */
import * as path from "path";
import { Policies } from "@pulumi/policy";
import { REPO_ROOT } from "../../engine/repoRoot";
import { RESILIENCE_PACK, RESILIENCE_POLICIES, SECURITY_PACK, SECURITY_POLICIES } from "../rules/packs";

export const POLICY_DIR = path.join(REPO_ROOT, "policy");
export const CONFIG_DIR = path.join(POLICY_DIR, "config");

export interface PackSpec {
    /** Short name used on the command line: the pack's directory under policy/. */
    id: "security" | "resilience";
    /** The name the pack serves (PolicyPack's first argument). */
    name: string;
    /** Its directory: PulumiPolicy.yaml, package.json (the version), index.ts. */
    dir: string;
    /** Its index module (policy/<id>/index), for messages. */
    entry: string;
    /**
     * Requires the index (to load the pack in this process): a require of a fixed
     * name, so that it is the TypeScript source under tsx, the compiled JavaScript
     * in bin/, and in the preview's bundle (scripts/build-js.js) the bundled module.
     */
    load: () => unknown;
    /** The policies it is built from, for checking config files before any pack runs. */
    policies: Policies;
}

export const PACKS: PackSpec[] = [
    { id: "security", name: SECURITY_PACK, dir: path.join(POLICY_DIR, "security"), entry: path.join(POLICY_DIR, "security", "index"), load: () => require("../security/index"), policies: SECURITY_POLICIES },
    { id: "resilience", name: RESILIENCE_PACK, dir: path.join(POLICY_DIR, "resilience"), entry: path.join(POLICY_DIR, "resilience", "index"), load: () => require("../resilience/index"), policies: RESILIENCE_POLICIES },
];
