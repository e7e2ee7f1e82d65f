/** The repository's policy packs: where each lives and the policies it serves. */
import * as path from "path";
import { Policies } from "@pulumi/policy";
import { RESILIENCE_PACK, RESILIENCE_POLICIES, SECURITY_PACK, SECURITY_POLICIES } from "../rules/packs";

export const POLICY_DIR = path.resolve(__dirname, "..");
export const CONFIG_DIR = path.join(POLICY_DIR, "config");

export interface PackSpec {
    /** Short name used on the command line: the pack's directory under policy/. */
    id: "security" | "resilience";
    /** The name the pack serves (PolicyPack's first argument). */
    name: string;
    dir: string;
    /** The policies it is built from, for checking config files before any pack runs. */
    policies: Policies;
}

export const PACKS: PackSpec[] = [
    { id: "security", name: SECURITY_PACK, dir: path.join(POLICY_DIR, "security"), policies: SECURITY_POLICIES },
    { id: "resilience", name: RESILIENCE_PACK, dir: path.join(POLICY_DIR, "resilience"), policies: RESILIENCE_POLICIES },
];
