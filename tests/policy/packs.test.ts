/**
 * The packs load as real policy packs (through the CLI's own runner) and say
 * what the engine needs: valid names, the version from package.json, every
 * policy described with remediation steps, an enforcement level and a config
 * schema the engine accepts; the env config files are valid for both packs;
 * type tokens and taggable types match the installed @pulumi/aws.
 */
import * as assert from "assert";
import * as fs from "fs";
import * as path from "path";
import * as aws from "@pulumi/aws";
import { closePolicyPacks, evaluatePolicies } from "../../policy/offline/evaluate";
import { PolicyConfigError, listConfigEnvironments, readConfigFile, reconcile, parseConfig, PolicyInfo } from "../../policy/offline/packConfig";
import { PACKS } from "../../policy/offline/packs";
import { T, awsClassPath } from "../../policy/rules/lib/types";
import { TAGGABLE_TYPES } from "../../policy/rules/tags";

after(closePolicyPacks);

const infoOf = (pack: (typeof PACKS)[number]): PolicyInfo[] =>
    pack.policies.map((p) => ({ name: p.name, enforcementLevel: p.enforcementLevel ?? "mandatory", configSchema: p.configSchema }));

describe("policy packs", function () {
    this.timeout(300_000);

    for (const pack of PACKS) {
        it(`${pack.id}: a loadable pack with a valid name, package.json version and complete policies`, async () => {
            assert.match(pack.name, /^[a-zA-Z0-9-_.]{1,100}$/);
            const pkg = JSON.parse(fs.readFileSync(path.join(pack.dir, "package.json"), "utf8"));
            assert.strictEqual(pkg.name, pack.name);
            assert.match(pkg.version, /^\d+\.\d+\.\d+$/);
            assert.match(fs.readFileSync(path.join(pack.dir, "PulumiPolicy.yaml"), "utf8"), /^runtime: nodejs$/m);
            for (const p of pack.policies) {
                assert.ok(p.description && p.remediationSteps && p.enforcementLevel && p.configSchema, `${p.name} lacks metadata`);
                assert.match(p.name, /^[a-z0-9-]+$/);
            }
            // Started by run-policy-pack as the CLI does: an empty stack gets no violation.
            assert.deepStrictEqual(await evaluatePolicies([], { region: "us-east-1", packs: [pack.id] }), []);
        });
    }

    it("policy names are unique across packs (one config file serves both)", () => {
        const all = PACKS.flatMap((p) => p.policies.map((x) => x.name));
        assert.deepStrictEqual(all.length, new Set(all).size);
    });

    for (const env of listConfigEnvironments()) {
        it(`policy/config/${env}.json is valid for both packs (schemas compile strictly, values fit)`, () => {
            const cfg = readConfigFile(path.join(__dirname, "../../policy/config", `${env}.json`));
            for (const pack of PACKS) reconcile(infoOf(pack), cfg);
        });
    }

    it("bad config names the key, the value and what is allowed", () => {
        const problems = (raw: unknown, pack = PACKS[1]) => {
            try {
                reconcile(infoOf(pack), parseConfig(raw));
            } catch (e) {
                assert.ok(e instanceof PolicyConfigError);
                return e.message;
            }
            return assert.fail("accepted");
        };
        assert.match(problems({ "multi-az": { minimumInstances: 1 } }), /multi-az\.minimumInstances: must be >= 2 \(got 1\)/);
        assert.match(problems({ "multi-azz": "mandatory" }), /multi-azz: is not a policy of .*; policies: all, .*multi-az/);
        assert.match(problems({ "multi-az": { minInstances: 2 } }), /multi-az\.minInstances: is not a config property of multi-az; allowed: enforcementLevel, required, minimumInstances, minimumZones/);
        assert.match(problems({ "multi-az": "strict" }), /multi-az: is not an enforcement level; allowed: advisory, mandatory, remediate, disabled \(got "strict"\)/);
        assert.match(problems({ "instance-class-allowlist": { aurora: ["r7g"] } }), /instance-class-allowlist\.aurora\.0: must match pattern/);
    });

    it("every type token is the type of the @pulumi/aws class it names", () => {
        for (const token of Object.values(T)) {
            const [mod, cls] = awsClassPath(token).split(".");
            const c = (aws as any)[mod][cls];
            assert.ok(c?.isInstance({ __pulumiType: token }), `${token} is not ${mod}.${cls}'s type`);
        }
    });

    it("every listed taggable type takes tags in the installed @pulumi/aws", () => {
        for (const token of TAGGABLE_TYPES) {
            const [, mod, name] = token.split(":");
            const file = path.join(path.dirname(require.resolve("@pulumi/aws/package.json")), `${mod}.d.ts`);
            const args = fs.readFileSync(file, "utf8").split(`export interface ${name}Args {`)[1]?.split("\n}")[0] ?? "";
            assert.match(args, /\n    tags\?:/, `${token} has no tags input`);
        }
    });
});
