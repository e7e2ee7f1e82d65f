/**
 * In-process, Analyze runs per resource type without the validateResourceOfType validations
 * of other types inside a validateResource list (policy/offline/inProcessHost.ts
 * policiesForType): those can only say "not applicable". Here: what the filter keeps, that
 * it drops something from the real packs (else it would be untested), and that over every
 * stack and every unsafe one the findings equal those of the unfiltered list server.js
 * would run.
 */
import * as assert from "assert";
import { validateResourceOfType } from "@pulumi/policy";
import { closePolicyPacks, evaluatePolicies } from "../../policy/offline/evaluate";
import { policiesForType, setUnfilteredAnalyze } from "../../policy/offline/inProcessHost";
import { RESILIENCE_POLICIES, SECURITY_POLICIES } from "../../policy/rules/packs";
import { RecordedResource } from "../../engine/mockEngine";
import { itAgreesOverEveryStack } from "./everyStack";

after(closePolicyPacks);
afterEach(() => setUnfilteredAnalyze(false));

const typed = (t: string) => validateResourceOfType({ __pulumiType: t } as any, () => undefined);
const untyped = () => undefined;

describe("policiesForType (the in-process Analyze filter)", function () {
    this.timeout(300_000);

    it("drops only typed validations of another type from lists, keeps order and everything else", () => {
        const a = typed("aws:rds/cluster:Cluster");
        const b = typed("aws:kms/key:Key");
        const single = { name: "single", validateResource: b };
        const mixed = { name: "mixed", validateResource: [a, untyped, b] };
        const allOther = { name: "allOther", validateResource: [b, b] };
        const stack = { name: "stack", validateStack: untyped };
        const policies: { name: string; validateResource?: unknown; validateStack?: unknown }[] = [single, mixed, allOther, stack];
        const got = policiesForType(policies, "aws:rds/cluster:Cluster");
        assert.deepEqual(
            got.map((p) => p.name),
            ["single", "mixed", "stack"],
        );
        assert.strictEqual(got[0], single, "a single validation is left to server.js's own fast check");
        assert.deepEqual((got[1] as typeof mixed).validateResource, [a, untyped]);
        assert.strictEqual(policiesForType([mixed], "aws:kms/key:Key")[0].validateResource.length, 2);
    });

    it("drops validations from the real packs' lists", () => {
        const all = [...SECURITY_POLICIES, ...RESILIENCE_POLICIES] as { validateResource?: unknown }[];
        const count = (ps: { validateResource?: unknown }[]) => ps.reduce((n, p) => n + (Array.isArray(p.validateResource) ? p.validateResource.length : p.validateResource ? 1 : 0), 0);
        const dropped = count(all) - count(policiesForType(all, "aws:rds/cluster:Cluster"));
        assert.ok(dropped >= 5, `dropped ${dropped} validations for an Aurora cluster`);
    });

    describe("findings equal the unfiltered list's", () => {
        itAgreesOverEveryStack(async (resources: RecordedResource[], environment: string) => {
            const opts = { environment, region: "us-east-1", transport: "in-process" as const };
            setUnfilteredAnalyze(true);
            const unfiltered = await evaluatePolicies(resources, opts);
            setUnfilteredAnalyze(false);
            const filtered = await evaluatePolicies(resources, opts);
            assert.deepStrictEqual(filtered, unfiltered);
            return filtered;
        });
    });
});
