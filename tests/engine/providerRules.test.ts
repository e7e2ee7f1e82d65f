/**
 * The provider-rules layer: each rule of each resource type, with its own
 * failing and passing cases registered through the engine as the program
 * would register them (runtime mocks, plan, check); every type the stacks
 * register has a spec; every stack of this repository passes every rule.
 */
import * as assert from "assert";
import * as pulumi from "@pulumi/pulumi";
import * as random from "@pulumi/random";
import { evaluateStack } from "../../engine/mockEngine";
import { Plan, buildPlan } from "../../engine/plan";
import { checkResources, specOf } from "../../engine/provider/check";
import { SPECS } from "../../engine/provider";
import { AWS_REGIONS as PROVIDER_REGIONS } from "../../engine/provider/pulumi";
import { AWS_REGIONS as PLATFORM_REGIONS } from "../../infra/schema/regions";
import { GENERATED } from "../../engine/provider/generated";
import { Inputs, ResourceTypeSpec } from "../../engine/provider/spec";
import { StackFileConfig, listStacks, readStackFile } from "../../engine/stackFile";

const RULE_STACK: StackFileConfig = { stack: "rules", file: "(test)", config: { "aws:region": "us-east-1" }, secretKeys: [] };

/** A case's inputs: the example with the case on top; `undefined` removes a key; generated(...) becomes a RandomPassword's result. */
function caseInputs(name: string, example: Inputs, c: Inputs): Inputs {
    const merged: Inputs = { ...example, ...c };
    for (const [k, v] of Object.entries(merged)) {
        if (v === undefined) delete merged[k];
        else if (typeof v === "object" && v !== null && GENERATED in v) {
            merged[k] = new random.RandomPassword(`${name}-${k}`, (v as Record<string, unknown>)[GENERATED] as random.RandomPasswordArgs).result;
        }
    }
    return merged;
}

/** Resources of any type, registered as a provider's SDK class would register them. */
class AnyResource extends pulumi.CustomResource {
    constructor(type: string, name: string, inputs: Inputs) {
        super(type, name, inputs);
    }
}
class AnyProvider extends pulumi.ProviderResource {
    constructor(pkg: string, name: string, inputs: Inputs) {
        super(pkg, name, inputs);
    }
}

function register(type: string, name: string, inputs: Inputs): void {
    if (type.startsWith("pulumi:providers:")) new AnyProvider(type.slice("pulumi:providers:".length), name, inputs);
    else new AnyResource(type, name, inputs);
}

interface Registered {
    name: string;
    rule?: string;
    expect: "pass" | "fail";
}

/** One evaluation per type: the example, and every case of every rule, each a resource of its own. */
async function planOf(spec: ResourceTypeSpec): Promise<{ plan: Plan; registered: Registered[] }> {
    const registered: Registered[] = [{ name: "example", expect: "pass" }];
    for (const rule of spec.rules) {
        rule.cases.pass.forEach((_, i) => registered.push({ name: `${rule.id}-pass-${i}`, rule: rule.id, expect: "pass" }));
        rule.cases.fail.forEach((_, i) => registered.push({ name: `${rule.id}-fail-${i}`, rule: rule.id, expect: "fail" }));
    }
    const program = () => {
        register(spec.type, "example", caseInputs("example", spec.example, {}));
        for (const rule of spec.rules) {
            rule.cases.pass.forEach((c, i) => register(spec.type, `${rule.id}-pass-${i}`, caseInputs(`${rule.id}-pass-${i}`, spec.example, c)));
            rule.cases.fail.forEach((c, i) => register(spec.type, `${rule.id}-fail-${i}`, caseInputs(`${rule.id}-fail-${i}`, spec.example, c)));
        }
        return {};
    };
    const ev = await evaluateStack("rules", { stackConfig: RULE_STACK, program });
    return { plan: buildPlan(ev, RULE_STACK, null), registered };
}

describe("provider rules", () => {
    for (const spec of SPECS) {
        describe(spec.type, () => {
            let result: { plan: Plan; registered: Registered[] };
            before(async () => {
                result = await planOf(spec);
            });

            it("its example passes every rule", () => {
                const r = result.plan.resources.find((x) => x.name === "example" && x.type === spec.type)!;
                const found = checkResources(result.plan.resources, result.plan.region).violations.filter((v) => v.urn === r.urn);
                assert.deepStrictEqual(found.map((v) => `${v.rule}: ${v.message}`), []);
            });

            for (const rule of spec.rules) {
                it(`${rule.id}: ${rule.cases.fail.length} failing and ${rule.cases.pass.length} passing case(s), through the engine`, () => {
                    assert.ok(rule.cases.fail.length > 0 && rule.cases.pass.length > 0, `${rule.id} needs at least one failing and one passing case`);
                    assert.ok(rule.source.length > 0, `${rule.id} cites no source`);
                    const { violations } = checkResources(result.plan.resources, result.plan.region);
                    for (const reg of result.registered.filter((x) => x.rule === rule.id)) {
                        const r = result.plan.resources.find((x) => x.name === reg.name && x.type === spec.type)!;
                        const mine = violations.filter((v) => v.urn === r.urn && v.rule === rule.id);
                        if (reg.expect === "fail") {
                            assert.strictEqual(mine.length, 1, `${reg.name} should violate ${rule.id}; inputs ${JSON.stringify(r.inputs)}`);
                            assert.strictEqual(mine[0].property, rule.property);
                        } else {
                            assert.deepStrictEqual(mine.map((v) => v.message), [], `${reg.name} should satisfy ${rule.id}`);
                        }
                    }
                });
            }
        });
    }

    it("the regions the stack config accepts (infra/schema/regions.ts) are all regions the provider knows", () => {
        assert.deepStrictEqual(PLATFORM_REGIONS.filter((r) => !PROVIDER_REGIONS.includes(r)), []);
    });

    it("rule ids are unique", () => {
        const ids = SPECS.flatMap((s) => s.rules.map((r) => r.id));
        assert.deepStrictEqual(ids.filter((id, i) => ids.indexOf(id) !== i), []);
    });

    describe("the stacks of this repository", () => {
        const plans = new Map<string, Plan>();
        before(async () => {
            for (const stack of listStacks()) {
                const cfg = readStackFile(stack);
                plans.set(stack, buildPlan(await evaluateStack(stack, { stackConfig: cfg }), cfg, null));
            }
        });

        it("every resource type they register has a spec (rules and ForceNew arguments)", () => {
            const missing = new Set<string>();
            for (const plan of plans.values()) for (const r of plan.resources) if (r.custom && r.type !== "pulumi:pulumi:StackReference" && !specOf(r.type)) missing.add(r.type);
            assert.deepStrictEqual([...missing].sort(), []);
        });

        for (const stack of listStacks()) {
            it(`${stack} passes every provider and AWS rule`, () => {
                const plan = plans.get(stack)!;
                const { violations } = checkResources(plan.resources, plan.region);
                assert.deepStrictEqual(violations.map((v) => `${v.urn} ${v.property}: ${v.message} [${v.rule}]`), []);
            });
        }
    });
});
