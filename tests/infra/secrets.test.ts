import * as assert from "assert";
import * as fs from "fs";
import * as path from "path";
import YAML from "yaml";
import { isSecret } from "../../engine/mockEngine";
import { randomPasswordOutput } from "../../engine/provider/generated";
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
            assert.strictEqual(versions.length, 4, "Aurora's master and application credentials, DocumentDB's master, the cache's token");
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
            assert.strictEqual(ev.outputs.verification.postgres.application.password, generated("aurora-app-password"));
        });
    });
}

/**
 * What each consumer of a generated credential accepts, written from each one's
 * documentation (not from the program's set): a generated value must be valid
 * for all of them, because each value lands in several.
 */
const PRINTABLE = (c: string) => c >= "!" && c <= "~";
const ALNUM = (c: string) => /^[A-Za-z0-9]$/.test(c);
const CONSUMERS: { name: string; allows: (c: string) => boolean; length: [number, number] }[] = [
    // ElastiCache AUTH: 16-128 printable characters, non-alphanumerics only ! & # $ ^ < > -.
    { name: "ElastiCache AUTH", allows: (c) => ALNUM(c) || "!&#$^<>-".includes(c), length: [16, 128] },
    // Aurora/RDS master password: printable ASCII except / ' " @ and space; 8-128 (PostgreSQL).
    { name: "Aurora master password", allows: (c) => PRINTABLE(c) && !"/'\"@".includes(c), length: [8, 128] },
    // DocumentDB master password: printable ASCII except / " @; 8-100.
    { name: "DocumentDB master password", allows: (c) => PRINTABLE(c) && !'/"@'.includes(c), length: [8, 100] },
    // An unencoded URL's userinfo (RFC 3986 unreserved and sub-delims), without ":" (it splits user from password).
    { name: "URL userinfo, unencoded", allows: (c) => ALNUM(c) || "-._~!$&'()*+,;=".includes(c), length: [1, Infinity] },
    // A MongoDB connection string must percent-encode $ : / ? # [ ] @ in userinfo.
    { name: "MongoDB connection string", allows: (c) => PRINTABLE(c) && !"$:/?#[]@%".includes(c), length: [1, Infinity] },
    // libpq key=value needs quoting for space, ' and \; Npgsql/ADO.NET for ; and quotes.
    { name: "libpq / Npgsql key=value", allows: (c) => PRINTABLE(c) && !";\\'\" ".includes(c), length: [1, Infinity] },
    // PgBouncer userlist.txt: "user" "password", so no ".
    { name: "PgBouncer userlist.txt", allows: (c) => PRINTABLE(c) && c !== '"', length: [1, Infinity] },
];

for (const name of PRIMARY_STACKS) {
    describe(`generated credentials in stack ${name}`, () => {
        it("can only produce values every consumer accepts", async () => {
            const ev = await stack(name);
            const generators = ofType(ev, TYPES.password);
            assert.strictEqual(generators.length, 4, "Aurora's and DocumentDB's master passwords, mlflow_app's password, the cache's AUTH token");
            for (const g of generators) {
                const out = randomPasswordOutput(g.inputs, g.name);
                for (const consumer of CONSUMERS) {
                    const refused = [...out.characters].filter((c) => !consumer.allows(c));
                    assert.deepStrictEqual(refused, [], `${g.name} can produce characters ${consumer.name} refuses`);
                    assert.ok(out.length >= consumer.length[0] && out.length <= consumer.length[1], `${g.name}: length ${out.length} for ${consumer.name}`);
                }
                // Specials are asked for, so the set is not just letters and digits.
                assert.ok(g.inputs.minSpecial >= 1 && [...out.characters].some((c) => !ALNUM(c)), g.name);
            }
        });

        it("survives an unencoded connection URL: every character it can produce parses back as the password", async () => {
            const ev = await stack(name);
            for (const g of ofType(ev, TYPES.password)) {
                const every = [...randomPasswordOutput(g.inputs, g.name).characters].join("");
                // The shape infra/components/dataPlatformServices.ts builds for MLflow's SQLAlchemy URL.
                const url = new URL(`postgresql://mlflow_admin:${every}@db.example.internal:5432/mlflow?sslmode=verify-full`);
                assert.strictEqual(decodeURIComponent(url.password), every, g.name);
                assert.strictEqual(url.hostname, "db.example.internal", g.name);
                assert.strictEqual(url.pathname, "/mlflow", g.name);
                assert.strictEqual(url.hash, "", g.name);
            }
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
