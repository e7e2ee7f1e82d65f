/**
 * Issue 13, defect 7: every bad config of the issue, run through the real
 * program under the engine. Each is refused before any resource is registered,
 * with a message naming the key, the value (unless it is a secret or a key
 * problem) and what is allowed; and one goes through the preview command (exit 2).
 */
import * as assert from "assert";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import YAML from "yaml";
import { ConfigError, ConfigProblem } from "../../infra/config";
import { StackEvaluationError, StackReferenceAnswer, evaluateStack } from "../../engine/mockEngine";
import { MASKED, STACKS_DIR, StackFileConfig, readStackFile } from "../../engine/stackFile";
import { AWS_MAX_TAGS_PER_RESOURCE, MAX_EXTRA_TAGS } from "../../infra/tags";
import { main } from "../../preview/cli";
import { stack } from "../harness";
import { configOf } from "./stackConfig";

type Json = Record<string, any>;

/** A stack file's config with some raw entries set (undefined: removed) and optionally more secret keys. */
function withEntries(name: string, entries: Record<string, string | undefined>, secretKeys: string[] = []): StackFileConfig {
    const base = readStackFile(name);
    const config = { ...base.config };
    for (const [k, v] of Object.entries(entries)) {
        if (v === undefined) delete config[k];
        else config[k] = v;
    }
    return { ...base, config, secretKeys: [...base.secretKeys, ...secretKeys] };
}

/** A stack file's config with one structured key changed. */
function withChange(name: string, key: string, change: (v: Json) => void): StackFileConfig {
    const base = readStackFile(name);
    const value = JSON.parse(base.config[key]);
    change(value);
    return { ...base, config: { ...base.config, [key]: JSON.stringify(value) } };
}

/** Runs the program; asserts it failed on its config with nothing registered (but the stack and a reference read), returns the problems. */
async function refused(name: string, cfg: StackFileConfig, stackReferences?: Record<string, StackReferenceAnswer>): Promise<{ problems: ConfigProblem[]; message: string }> {
    try {
        await evaluateStack(name, { stackConfig: cfg, stackReferences });
    } catch (e) {
        assert.ok(e instanceof StackEvaluationError, `unexpected error ${e}`);
        assert.ok(e.cause instanceof ConfigError, `expected a ConfigError, got ${e.cause}`);
        const declared = e.resources.filter((r) => !["pulumi:pulumi:Stack", "pulumi:pulumi:StackReference"].includes(r.type));
        assert.deepStrictEqual(declared.map((r) => r.urn), [], "resources were registered before the config was validated");
        return { problems: e.cause.problems, message: e.cause.message };
    }
    return assert.fail("the program accepted a bad configuration");
}

/** Exactly one problem, on that key, with that value, its message matching. */
async function refusedWith(name: string, cfg: StackFileConfig, key: string, value: unknown, message: RegExp): Promise<string> {
    const { problems, message: text } = await refused(name, cfg);
    assert.deepStrictEqual(
        problems.map((p) => p.key),
        [key],
        problems.map((p) => `${p.key}: ${p.message}`).join("\n"),
    );
    assert.deepStrictEqual(problems[0].value, value);
    assert.match(problems[0].message, message);
    return text;
}

describe("defect 7: no stack-file key or value the program would silently accept", () => {
    describe("unknown keys outside the project namespace", () => {
        it("mlops_data:kubernetes (a misspelt namespace) is an error, not a silently smaller stack", async () => {
            const staging = readStackFile("staging");
            assert.ok(JSON.parse(staging.config["mlops-data:kubernetes"]).enabled, "staging's wiring is on: the typo would drop it");
            const cfg = withEntries("staging", { "mlops-data:kubernetes": undefined, "mlops_data:kubernetes": staging.config["mlops-data:kubernetes"] });
            await refusedWith(
                "staging",
                cfg,
                "mlops_data:kubernetes",
                undefined,
                /^unknown key \(namespace "mlops_data" is neither this project's, "mlops-data", nor "aws"\); did you mean mlops-data:kubernetes\? allowed: aws:region, mlops-data:environment, .*mlops-data:kubernetes, mlops-data:kubeconfig$/,
            );
        });

        it("aws:regoin: the misspelt key, and the region it leaves missing", async () => {
            const dev = readStackFile("dev");
            const { problems } = await refused("dev", withEntries("dev", { "aws:region": undefined, "aws:regoin": dev.config["aws:region"] }));
            assert.deepStrictEqual(problems.map((p) => p.key), ["aws:regoin", "aws:region"]);
            assert.match(problems[0].message, /^unknown key: the only AWS provider setting a stack may hold is aws:region .*; did you mean aws:region\? allowed: aws:region, mlops-data:environment/);
            assert.strictEqual(problems[1].message, "is required");
        });

        it("an AWS provider setting other than the region (aws:profile) is refused, with the reason", async () => {
            await refusedWith("dev", withEntries("dev", { "aws:profile": "prod-admin" }), "aws:profile", undefined, /^unknown key: the only AWS provider setting a stack may hold is aws:region \(credentials and accounts come from the environment, so that the DR region's provider uses the same\); allowed: aws:region, /);
        });

        it("mlops-data:region is not aws:region", async () => {
            await refusedWith("dev", withEntries("dev", { "mlops-data:region": "us-east-1" }), "mlops-data:region", undefined, /^unknown key; did you mean aws:region\? allowed: /);
        });
    });

    describe("regions", () => {
        it("aws:region us-east-9 is not an AWS region", async () => {
            await refusedWith("dev", withEntries("dev", { "aws:region": "us-east-9" }), "aws:region", "us-east-9", /^is not an AWS region \(commercial or GovCloud\); allowed: us-east-1, us-east-2, .*us-gov-west-1$/);
        });

        it("a DR region that does not exist", async () => {
            await refusedWith(
                "prod",
                withChange("prod", "mlops-data:replication", (r) => (r.drRegion = "us-west-3")),
                "mlops-data:replication.drRegion",
                "us-west-3",
                /^is not an AWS region .*allowed: us-east-1, /,
            );
        });

        it("GovCloud regions are real regions", async () => {
            const ev = await evaluateStack("dev", { stackConfig: withEntries("dev", { "aws:region": "us-gov-west-1" }) });
            assert.ok(ev.resources.length > 30);
        });
    });

    describe("tags", () => {
        const extra = (n: number) => Object.fromEntries(Array.from({ length: n }, (_, i) => [`team-${i}`, `value-${i}`]));

        it("60 tags in tags.extra: refused, saying how many the platform uses itself", async () => {
            await refusedWith(
                "dev",
                withChange("dev", "mlops-data:tags", (t) => (t.extra = extra(60))),
                "mlops-data:tags.extra",
                "60 tags",
                new RegExp(`^holds 60 tags; at most ${MAX_EXTRA_TAGS} are allowed: AWS allows 50 tags per resource and the platform uses up to ${AWS_MAX_TAGS_PER_RESOURCE - MAX_EXTRA_TAGS} on one resource itself \\(environment, owner, cost-center, data-classification, managed-by, with Name and backup-plan, or on alarms severity and incident\\)$`),
            );
        });

        it(`the most tags.extra allows (${MAX_EXTRA_TAGS}) keeps every resource and recovery point within AWS's 50`, async () => {
            const ev = await evaluateStack("prod", { stackConfig: withChange("prod", "mlops-data:tags", (t) => (t.extra = extra(MAX_EXTRA_TAGS))) });
            let tagged = 0;
            for (const r of ev.resources) {
                const sets: Record<string, string>[] = [r.inputs.tags, ...(r.inputs.rules ?? []).map((rule: Json) => rule.recoveryPointTags)].filter(Boolean);
                for (const tags of sets) {
                    tagged++;
                    assert.ok(Object.keys(tags).length <= AWS_MAX_TAGS_PER_RESOURCE, `${r.type} ${r.name}: ${Object.keys(tags).length} tags`);
                }
                // A recovery point carries its cluster's tags (with Name) and the rule's (with backup-plan).
                for (const rule of r.inputs.rules ?? []) {
                    if (rule.recoveryPointTags) assert.ok(Object.keys({ ...rule.recoveryPointTags, Name: "x" }).length <= AWS_MAX_TAGS_PER_RESOURCE);
                }
            }
            assert.ok(tagged > 30, `only ${tagged} tag sets`);
        });

        const characters: [string, string, string, RegExp][] = [
            ["a control character (BEL)", "owner", "ml\u0007platform", /^holds a control character, U\+0007, at position 3; allowed in a tag value: letters, digits, spaces and _ \. : \/ = \+ - @$/],
            ["a zero-width space", "owner", "ml-platform\u200b", /^holds a zero-width character, U\+200B, at position 12; allowed in a tag value: /],
            ["a right-to-left override", "costCenter", "cc-\u202e4321", /^holds a bidirectional override\/isolate, U\+202E, at position 4; allowed in a tag value: /],
            ["a character AWS does not allow", "costCenter", "cc#1234", /^holds "#" \(U\+0023\), which AWS does not allow in a tag value; allowed: letters, digits, spaces and _ \. : \/ = \+ - @$/],
        ];
        for (const [title, field, value, message] of characters) {
            it(`a tag value with ${title}`, async () => {
                await refusedWith("dev", withChange("dev", "mlops-data:tags", (t) => (t[field] = value)), `mlops-data:tags.${field}`, value, message);
            });
        }

        it("a tag key with a zero-width joiner in tags.extra", async () => {
            await refusedWith(
                "dev",
                withChange("dev", "mlops-data:tags", (t) => (t.extra = { "team\u200d": "ml" })),
                "mlops-data:tags.extra",
                "team\u200d",
                /^tag key "team\u200d" holds a zero-width character, U\+200D, at position 5; allowed in a tag key: /,
            );
        });

        it("a tag key with the reserved aws: prefix", async () => {
            await refusedWith("dev", withChange("dev", "mlops-data:tags", (t) => (t.extra = { "AWS:team": "ml" })), "mlops-data:tags.extra", "AWS:team", /^tag key "AWS:team" starts with "aws:", which AWS reserves for its own tags/);
        });

        it("a tags.extra key the platform sets itself would be overwritten: refused", async () => {
            await refusedWith("dev", withChange("dev", "mlops-data:tags", (t) => (t.extra = { environment: "production" })), "mlops-data:tags.extra", "environment", /^tag key "environment" is a tag the platform sets itself/);
        });
    });

    describe("secrets", () => {
        it("a kubeconfig in plaintext: refused without showing it", async () => {
            const kubeconfig = "apiVersion: v1\nusers:\n- name: admin\n  user:\n    token: plaintext-token-123";
            const text = await refusedWith(
                "dev",
                withEntries("dev", { "mlops-data:kubeconfig": kubeconfig }),
                "mlops-data:kubeconfig",
                undefined,
                /^is a credential and must be a secret, not plaintext in the stack file: set it with pulumi config set --secret kubeconfig "\$\(cat kubeconfig\)"$/,
            );
            assert.ok(!text.includes("plaintext-token-123"), "the credential is in the message");
        });

        it("a secure: value on a key that is not a credential (tags.owner)", async () => {
            // What the stack file reader makes of `owner: { secure: ... }`: a masked value, the key marked secret.
            const { problems } = await refused("dev", { ...withChange("dev", "mlops-data:tags", (t) => (t.owner = MASKED)), secretKeys: ["mlops-data:tags"] });
            assert.strictEqual(problems[0].key, "mlops-data:tags");
            assert.strictEqual(problems[0].showValue, false);
            assert.match(problems[0].message, /^holds a secret \(secure:\) value, but only credentials may be secret \(mlops-data:kubeconfig\): .*set it in plaintext, with pulumi config set \(--path for a nested key\) and without --secret$/);
            // Offline the value cannot be decrypted: its placeholder may be judged too, but nothing else is wrong.
            assert.deepStrictEqual(problems.slice(1).map((p) => [p.key, p.value]).filter(([, v]) => v !== MASKED), []);
        });

        it("a secret kubeconfig is accepted", async () => {
            const ev = await evaluateStack("staging", { stackConfig: withEntries("staging", { "mlops-data:kubeconfig": MASKED }, ["mlops-data:kubeconfig"]) });
            assert.ok(ev.resources.some((r) => r.type === "pulumi:providers:kubernetes"));
        });
    });

    describe(".nan and .inf, as the stack file writes them", () => {
        let dir: string;
        beforeEach(() => (dir = fs.mkdtempSync(path.join(os.tmpdir(), "nan-"))));
        afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

        /** The dev stack file with one line's value replaced, as text (YAML.stringify would not write .nan). */
        function devFileWith(field: string, literal: string): StackFileConfig {
            const text = fs.readFileSync(path.join(STACKS_DIR, "Pulumi.dev.yaml"), "utf8");
            const re = new RegExp(`^(\\s+${field}:) .*$`, "m");
            assert.ok(re.test(text), field);
            fs.writeFileSync(path.join(dir, "Pulumi.dev.yaml"), text.replace(re, `$1 ${literal}`));
            return readStackFile("dev", dir);
        }

        for (const literal of [".nan", ".inf", "-.Inf"]) {
            it(`backupRetentionDays: ${literal}`, async () => {
                const cfg = devFileWith("backupRetentionDays", literal);
                const { problems } = await refused("dev", cfg);
                // Aurora's and DocumentDB's both carry the literal (the field appears in both sections).
                const p = problems.find((x) => x.key === "mlops-data:aurora.backupRetentionDays");
                assert.ok(p, problems.map((x) => x.key).join(", "));
                assert.strictEqual(p.value, literal);
                assert.match(p.message, new RegExp(`^must be a whole number from 1 to 35 \\(days of automated backups Aurora keeps\\); ${literal.replace(/[.+-]/g, "\\$&")} is YAML for a value that is not a finite number$`));
            });
        }
    });

    describe("maintenance windows", () => {
        it("a weekly window whose end is before its start is reported as such, not as an overlap", async () => {
            await refusedWith(
                "dev",
                withChange("dev", "mlops-data:aurora", (a) => (a.preferredMaintenanceWindow = "sun:07:00-sun:05:00")),
                "mlops-data:aurora.preferredMaintenanceWindow",
                "sun:07:00-sun:05:00",
                /^ends 2 hours before it starts: read as a weekly window it wraps through the rest of the week and lasts 9960 minutes \(6 days 22 hours\); AWS allows a maintenance window of at most 1410 minutes \(23 hours 30 minutes\); swap its start and end if they are reversed$/,
            );
        });

        it("an ElastiCache maintenance window longer than 24 hours", async () => {
            await refusedWith(
                "dev",
                withChange("dev", "mlops-data:redis", (r) => (r.maintenanceWindow = "wed:06:00-thu:07:00")),
                "mlops-data:redis.maintenanceWindow",
                "wed:06:00-thu:07:00",
                /^lasts 1500 minutes \(1 day 1 hour\); AWS allows a maintenance window of at most 1440 minutes \(1 day\)$/,
            );
        });
    });

    describe("credential rotation and the application role's timeouts", () => {
        it("a rotation counter below 1 is refused, naming the counter", async () => {
            await refusedWith(
                "dev",
                withChange("dev", "mlops-data:documentdb", (d) => (d.masterPasswordRotation = 0)),
                "mlops-data:documentdb.masterPasswordRotation",
                0,
                /generation of the master password; increase it to rotate/,
            );
        });

        it("a negative statement timeout for mlflow_app is refused, saying 0 turns it off", async () => {
            await refusedWith(
                "dev",
                withChange("dev", "mlops-data:aurora", (a) => (a.application = { statementTimeoutMs: -5 })),
                "mlops-data:aurora.application.statementTimeoutMs",
                -5,
                /statement_timeout in milliseconds for mlflow_app \(0: none\)/,
            );
        });

        it("an unknown key under aurora.application is refused, not ignored", async () => {
            const { problems } = await refused("dev", withChange("dev", "mlops-data:aurora", (a) => (a.application = { statementTimeout: 5000 })));
            assert.deepStrictEqual(problems.map((p) => p.key), ["mlops-data:aurora.application"]);
            assert.match(problems[0].message, /statementTimeout/);
        });

        it("the defaults: every counter at 1, mlflow_app's timeouts 60 s, 60 s and 10 s", () => {
            const cfg = configOf("dev");
            assert.strictEqual(cfg.aurora.masterPasswordRotation, 1);
            assert.strictEqual(cfg.documentdb.masterPasswordRotation, 1);
            assert.deepStrictEqual(cfg.aurora.application, { passwordRotation: 1, statementTimeoutMs: 60_000, idleInTransactionSessionTimeoutMs: 60_000, lockTimeoutMs: 10_000 });
        });
    });

    describe("dr.primaryStack", () => {
        const drWithPrimary = (primaryStack: string) => withChange("dr", "mlops-data:dr", (d) => (d.primaryStack = primaryStack));

        it("a stack that does not exist: the message names the key, the value and what is expected", async () => {
            await refusedWith(
                "dr",
                drWithPrimary("acme/mlops-data/prdo"),
                "mlops-data:dr.primaryStack",
                "acme/mlops-data/prdo",
                /^cannot be read as a stack \(.*unknown stack "acme\/mlops-data\/prdo".*\); expected the primary stack's full name as `pulumi stack ls --all` lists it in this backend, e\.g\. "acme\/mlops-data\/prod"$/,
            );
        });

        it("a stack without a handoff (dev)", async () => {
            await refusedWith(
                "dr",
                drWithPrimary("acme/mlops-data/dev"),
                "mlops-data:dr.primaryStack",
                "acme/mlops-data/dev",
                /^exports no drHandoff; expected a primary stack deployed with replication configured \(replication\.drRegion\), e\.g\. "acme\/mlops-data\/prod"; deploy it before the dr stack$/,
            );
        });

        it("the repository's dr stack still follows prod", async () => {
            const ev = await stack("dr");
            assert.strictEqual(ev.outputs.drMode, "standby");
        });
    });

    describe("through the preview command", function () {
        this.timeout(60_000);
        let dir: string;
        beforeEach(() => (dir = fs.mkdtempSync(path.join(os.tmpdir(), "typo-"))));
        afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

        it("a stack file with mlops_data:kubernetes exits 2 and names the key", async () => {
            const doc = YAML.parse(fs.readFileSync(path.join(STACKS_DIR, "Pulumi.staging.yaml"), "utf8"));
            doc.config["mlops_data:kubernetes"] = doc.config["mlops-data:kubernetes"];
            delete doc.config["mlops-data:kubernetes"];
            fs.writeFileSync(path.join(dir, "Pulumi.staging.yaml"), YAML.stringify(doc));
            const out: string[] = [];
            const err: string[] = [];
            const code = await main(["--stacks-dir", dir, "--out", path.join(dir, "out")], { out: (t) => out.push(t), err: (t) => err.push(t) });
            assert.strictEqual(code, 2, err.join("\n"));
            assert.match(out.join("\n"), /mlops_data:kubernetes: unknown key \(namespace "mlops_data" .*did you mean mlops-data:kubernetes\?/);
            assert.ok(!fs.existsSync(path.join(dir, "out", "staging.plan.json")), "a plan was written for a stack that did not evaluate");
        });
    });
});
