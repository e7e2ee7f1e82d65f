import * as assert from "assert";
import * as fs from "fs";
import * as path from "path";
import YAML from "yaml";
import { isSecret } from "../../engine/mockEngine";
import { STACKS_DIR } from "../../engine/stackFile";
import { PRIMARY_STACKS, TYPES, ofType, only, stack } from "../harness";

/** Input keys that carry credentials wherever they appear. */
const CREDENTIAL_KEY = /(password|secretString|authToken|token)$/i;

/** Every place a plaintext string containing one of `needles` appears outside a secret. */
function plaintextOccurrences(value: unknown, needles: string[], at: string, inSecret = false): string[] {
    if (isSecret(value)) return plaintextOccurrences(value.value, needles, at, true);
    if (typeof value === "string") return !inSecret && needles.some((n) => value.includes(n)) ? [at] : [];
    if (Array.isArray(value)) return value.flatMap((v, i) => plaintextOccurrences(v, needles, `${at}[${i}]`, inSecret));
    if (value && typeof value === "object") {
        return Object.entries(value).flatMap(([k, v]) => plaintextOccurrences(v, needles, `${at}.${k}`, inSecret));
    }
    return [];
}

for (const name of PRIMARY_STACKS) {
    describe(`no plaintext secret in stack ${name}`, () => {
        it("every generated password reaches resources only as a Pulumi secret", async () => {
            const ev = await stack(name);
            const passwords = ofType(ev, TYPES.password).map((p) => p.outputs.result as string);
            assert.ok(passwords.length >= 1, "the stack generates its passwords");
            const leaks = ev.resources.flatMap((r) => plaintextOccurrences(r.rawInputs, passwords, `${r.type}::${r.name}`));
            assert.deepStrictEqual(leaks, []);
            // And it does reach the places that need it, as a secret.
            for (const type of [TYPES.cluster, TYPES.docdbCluster]) {
                const cluster = only(ev, type);
                assert.deepStrictEqual(cluster.secretPaths, ["masterPassword"], type);
                assert.ok(passwords.includes(cluster.inputs.masterPassword));
            }
            const group = only(ev, TYPES.replicationGroup);
            assert.deepStrictEqual(group.secretPaths, ["authToken"]);
            assert.ok(passwords.includes(group.inputs.authToken));
            const versions = ofType(ev, TYPES.secretVersion);
            assert.strictEqual(versions.length, 3);
            for (const v of versions) assert.deepStrictEqual(v.secretPaths, ["secretString"]);
        });

        it("every credential-named input anywhere is a secret", async () => {
            const ev = await stack(name);
            for (const r of ev.resources) {
                for (const [k, v] of Object.entries(r.rawInputs)) {
                    if (CREDENTIAL_KEY.test(k) && v !== undefined && v !== null) {
                        assert.ok(isSecret(v), `${r.type} ${r.name}: input ${k} is not a secret`);
                    }
                }
            }
        });

        it("no stack output holds a password except the secret verification contract", async () => {
            const ev = await stack(name);
            const passwords = ofType(ev, TYPES.password).map((p) => p.outputs.result as string);
            assert.deepStrictEqual(ev.secretOutputs, ev.outputs.drHandoff ? ["drHandoff", "verification"] : ["verification"]);
            for (const [k, v] of Object.entries(ev.outputs)) {
                if (k === "verification" || k === "drHandoff") continue;
                assert.ok(!passwords.some((p) => JSON.stringify(v).includes(p)), `output ${k} holds a password`);
            }
            const generated = (n: string) => ofType(ev, TYPES.password).find((p) => p.name === n)!.outputs.result;
            assert.strictEqual(ev.outputs.verification.postgres.password, generated("aurora-master-password"));
            assert.strictEqual(ev.outputs.verification.documentdb.password, generated("documentdb-master-password"));
            assert.strictEqual(ev.outputs.verification.redis.authToken, generated("cache-auth-token"));
        });
    });
}

describe("stack files", () => {
    for (const file of fs.readdirSync(STACKS_DIR).filter((f) => f.endsWith(".yaml"))) {
        it(`${file} holds no plaintext credential`, () => {
            const doc = YAML.parse(fs.readFileSync(path.join(STACKS_DIR, file), "utf8"));
            const offending: string[] = [];
            const walk = (v: unknown, at: string) => {
                if (v && typeof v === "object" && !Array.isArray(v)) {
                    if (Object.keys(v).length === 1 && "secure" in v) return;
                    for (const [k, e] of Object.entries(v)) {
                        if (/(password|token|secret|passphrase|kubeconfig)$/i.test(k) && typeof e === "string") offending.push(`${at}.${k}`);
                        walk(e, `${at}.${k}`);
                    }
                }
            };
            walk(doc?.config ?? {}, "config");
            assert.deepStrictEqual(offending, []);
        });
    }
});
