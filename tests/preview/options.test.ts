/**
 * The resource options the diff needs are recorded from the registration the
 * SDK sends (RegisterResourceRequest), and reach the plan file.
 */
import * as assert from "assert";
import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { evaluateStack } from "../../engine/mockEngine";
import { buildPlan } from "../../engine/plan";
import { readStackFile } from "../../engine/stackFile";

describe("resource options in plans", function () {
    this.timeout(60_000);

    it("records deleteBeforeReplace, replaceOnChanges, retainOnDelete, ignoreChanges and protect; their defaults when unset", async () => {
        const stackConfig = readStackFile("dev");
        const program = () => {
            new aws.kms.Key("with-options", { description: "k" }, { deleteBeforeReplace: true, replaceOnChanges: ["description", "tags.owner"], retainOnDelete: true, ignoreChanges: ["tags"], protect: true });
            new aws.kms.Key("without", { description: "k" });
            // protect and retainOnDelete are inherited from the parent when unset (the SDK and the engine's inheritFromParent).
            const parent = new pulumi.ComponentResource("test:index:Parent", "parent", {}, { protect: true, retainOnDelete: true });
            new aws.kms.Key("child", { description: "k" }, { parent });
            new aws.kms.Key("child-overrides", { description: "k" }, { parent, protect: false, retainOnDelete: false });
            return {};
        };
        const ev = await evaluateStack("dev", { stackConfig, program });
        const plan = buildPlan(ev, stackConfig, null);
        const byName = (n: string) => plan.resources.find((r) => r.name === n)!;
        const set = byName("with-options");
        assert.deepStrictEqual(
            [set.deleteBeforeReplace, set.replaceOnChanges, set.retainOnDelete, set.ignoreChanges, set.protect],
            [true, ["description", "tags.owner"], true, ["tags"], true],
        );
        const unset = byName("without");
        assert.deepStrictEqual([unset.deleteBeforeReplace, unset.replaceOnChanges, unset.retainOnDelete, unset.ignoreChanges, unset.protect], [false, [], false, [], false]);
        assert.deepStrictEqual([byName("child").protect, byName("child").retainOnDelete], [true, true], "inherited");
        assert.deepStrictEqual([byName("child-overrides").protect, byName("child-overrides").retainOnDelete], [false, false], "set on the child");
    });
});
