/**
 * Plan files: the same program gives byte-identical plans run after run, in
 * a stable order; no secret reaches a plan, the printed tree or the report;
 * the report carries the violations table and a Mermaid topology.
 */
import * as assert from "assert";
import { isSecret } from "../../engine/mockEngine";
import { planText, secretValues } from "../../engine/plan";
import { renderReport } from "../../preview/report";
import { StackOutcome, evaluateStacks } from "../../preview/stackPlans";
import { sortKeys } from "../../engine/stableJson";
import { renderStack } from "../../preview/terminal";
import { STACKS } from "../harness";

/** Every stack, evaluated with its policies as `make preview` does. */
const run = () => evaluateStacks(STACKS, { policies: { transport: "in-process" } });

describe("plan files", function () {
    this.timeout(120_000);
    let first: StackOutcome[];
    before(async () => {
        first = await run();
    });

    it("every stack evaluates and has a plan", () => {
        assert.deepStrictEqual(first.map((o) => [o.stack, o.failure?.message]), STACKS.map((s) => [s, undefined]));
    });

    it("a plan of each stack is the same, byte for byte, on a second run", async () => {
        const second = await run();
        for (const [i, o] of first.entries()) assert.strictEqual(planText(second[i].plan!), planText(o.plan!), `stack ${o.stack} changed between runs`);
    });

    it("orders resources by URN and keys alphabetically, so that plans diff cleanly", () => {
        for (const o of first) {
            const text = planText(o.plan!);
            assert.strictEqual(text, JSON.stringify(sortKeys(JSON.parse(text)), null, 2) + "\n");
            const urns = o.plan!.resources.map((r) => r.urn);
            assert.deepStrictEqual(urns, [...urns].sort());
            assert.strictEqual(urns.length, o.evaluation!.resources.length);
        }
    });

    it("the report summarises each stack's operations: its dashboard linked, alarms per band and where each band goes (issue 17)", () => {
        const report = renderReport({ plans: new Map(first.map((o) => [o.stack, o.plan!])), failures: [] });
        const section = report.slice(report.indexOf("## Operations"), report.indexOf("</details>", report.indexOf("## Operations")));
        assert.ok(section.startsWith("## Operations"), "no operations section");
        for (const o of first) {
            const p = o.plan!;
            const dashboard = p.resources.find((r) => r.type === "aws:cloudwatch/dashboard:Dashboard")!;
            const name = String(dashboard.inputs.dashboardName);
            const row = section.split("\n").find((l) => l.startsWith(`| ${o.stack} |`));
            assert.ok(row, `no row for ${o.stack}`);
            assert.ok(row.includes(`[${name}](https://${p.region}.console.aws.amazon.com/cloudwatch/home?region=${p.region}#dashboards/dashboard/${name})`), row);
            const sev2 = p.resources.filter((r) => r.type.startsWith("aws:cloudwatch/") && (r.inputs.tags as Record<string, string> | undefined)?.severity === "sev2").length;
            assert.ok(sev2 > 0 && row.includes(`sev2: ${sev2}`), row);
        }
        assert.match(section, /\*\*prod\*\*\n\n- Sev 1 \(complete unavailability or data loss: page within minutes\): external topic `arn:aws:sns:us-east-1:333333333333:oncall-mlops-sev1`/);
        assert.match(section, /- Sev 2 \(significant degradation: response within hours\): stack topic `mlops-prod-alarms-sev2`, 1 subscription \(https\)/);
        // Subscription endpoints stay out of the report (an integration URL may carry a key).
        assert.ok(!report.includes("events.example.com"));
    });

    it("no secret reaches a plan, the tree or the report; secret inputs and outputs read [secret]", () => {
        const report = renderReport({ plans: new Map(first.map((o) => [o.stack, o.plan!])), failures: [] });
        let secretInputs = 0;
        for (const o of first) {
            const secrets = secretValues(o.evaluation!.resources);
            // The fixture's generated passwords are recognisable; a secret of the dr stack comes from prod's handoff.
            for (const r of o.evaluation!.resources) if (r.type === "random:index/randomPassword:RandomPassword") secrets.add(String(r.outputs.result));
            const texts = { plan: planText(o.plan!), tree: renderStack(o), report };
            for (const [where, text] of Object.entries(texts)) {
                assert.ok(!/mock-password-/.test(text), `a generated password in the ${where} of ${o.stack}`);
                for (const s of secrets) assert.ok(!text.includes(s), `a secret value in the ${where} of ${o.stack}`);
            }
            for (const r of o.evaluation!.resources) {
                for (const [k, v] of Object.entries(r.rawInputs)) {
                    if (!isSecret(v)) continue;
                    secretInputs++;
                    assert.strictEqual(o.plan!.resources.find((p) => p.urn === r.urn)!.inputs[k], "[secret]", `${r.name}.${k}`);
                }
            }
            assert.strictEqual(o.plan!.outputs.verification, "[secret]");
        }
        assert.ok(secretInputs >= 9, `expected the master passwords and auth tokens among the inputs, found ${secretInputs} secret inputs`);
    });

    it("the report holds the summary, the violations table and a Mermaid topology of every store", () => {
        const report = renderReport({ plans: new Map(first.map((o) => [o.stack, o.plan!])), failures: [] });
        assert.match(report, /^\| Stack \| Level \| Pack \| Policy \| Resource \| Message \|$/m);
        // No mandatory violation and no advisory: prod has no known gap (tests/policy/stacks.test.ts, KNOWN_GAPS).
        const prodRow = /^\| prod \| prod \(protected\) \| us-east-1 \| \d+ \| 0 \| (\d+) \|$/m.exec(report);
        assert.ok(prodRow, "no prod row with 0 mandatory violations");
        const prodAdvisories = report.split("\n").filter((l) => l.startsWith("| prod | advisory |"));
        assert.strictEqual(prodAdvisories.length, Number(prodRow[1]));
        assert.deepStrictEqual(prodAdvisories, []);
        const mermaid = /```mermaid\n(flowchart LR\n[\s\S]*?)\n```/.exec(report)?.[1];
        assert.ok(mermaid, "no mermaid block");
        for (const label of ["region us-east-1", "region us-west-2", "stack dr", "mlops-prod-mlflow-3", "Aurora global cluster", "mlops-prod-backups-us-west-2", "3 nodes: 1 primary + 2 replicas"]) {
            assert.ok(mermaid.includes(label), `the topology lacks ${label}`);
        }
        assert.match(mermaid, /n\d+ -\.->\|"copy"\| n\d+/, "the cross-region backup copy");
        assert.strictEqual((mermaid.match(/==>\|"secondary"\|/g) ?? []).length, 3, "Aurora, DocumentDB and the cache replicate to dr");
    });
});
