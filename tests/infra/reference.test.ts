/**
 * The generated reference documents (infra/reference.ts) are what the schemas say: every
 * committed file equals what `node scripts/gen-docs.js` writes now, every configuration key
 * and contract field has a meaning, and the DBOPS_* variables the Kubernetes wiring writes are
 * exactly the ones the contract's schema names.
 */
import * as assert from "assert";
import * as fs from "fs";
import * as path from "path";
import { dbopsEnvironment } from "../../infra/k8s/dbopsEnvironment";
import { GENERATED_DOCS, REGENERATE, configurationRows } from "../../infra/reference";
import { VerificationContract, contractSchema, contractVariables, variableName } from "../../infra/verification";

const ROOT = path.resolve(__dirname, "..", "..");

describe("generated reference documents", () => {
    for (const [file, render] of Object.entries(GENERATED_DOCS)) {
        it(`${file} is up to date with the schema it is generated from`, () => {
            const target = path.join(ROOT, file);
            assert.ok(fs.existsSync(target), `${file} is missing; generate it with: ${REGENERATE}`);
            // Not deepStrictEqual on the text: a stale file's whole diff would bury the command.
            assert.ok(fs.readFileSync(target, "utf8") === render(), `${file} is stale (its schema changed); regenerate it with: ${REGENERATE}`);
        });
    }

    it("gives every configuration key a meaning, a type and, for a scalar with no default, says whether it is required", () => {
        const rows = configurationRows();
        assert.ok(rows.length > 150, `only ${rows.length} keys: the walk lost part of the schema`);
        const blank = rows.filter((r) => r.meaning.trim() === "").map((r) => r.key);
        assert.deepStrictEqual(blank, [], "keys without a description in the schema (.describe())");
        for (const key of ["aws:region", "aurora.port", "aurora.alarms.replicaLagMs", "dr.restored[].auroraSnapshot", "kubernetes.pgbouncer.requests.cpu"]) {
            assert.ok(rows.some((r) => r.key === key), `docs/configuration.md has no row for ${key}`);
        }
        const port = rows.find((r) => r.key === "aurora.port")!;
        assert.deepStrictEqual([port.type, port.allowed, port.default], ["whole number", "1150 to 65535", "`5432`"]);
    });
});

/** A contract holding every field, with values the schema accepts. */
const full: VerificationContract = {
    contractVersion: 1,
    stack: "prod",
    environment: "prod",
    region: "us-east-1",
    role: "primary",
    postgres: {
        writer: "w.example",
        reader: "r.example",
        port: 5432,
        database: "mlflow",
        username: "mlflow_admin",
        password: "pg-password",
        engineMajor: 16,
        tlsRequired: true,
        readers: 1,
        replicaLagMs: 1000,
        parameters: { "rds.force_ssl": "1" },
        secretArn: "arn:pg",
        alembicRevision: "1bd49d398cd23",
        application: {
            username: "mlflow_app_b",
            role: "mlflow_app",
            generation: 2,
            restoredCluster: false,
            password: "app-password",
            secretArn: "arn:app",
            statementTimeoutMs: 60_000,
            idleInTransactionSessionTimeoutMs: 60_000,
            lockTimeoutMs: 10_000,
        },
    },
    documentdb: { endpoint: "d", readerEndpoint: "dr", port: 27017, username: "du", password: "dp", instances: 3, tlsRequired: true, secretArn: "arn:d" },
    redis: { primary: "rp", reader: "rr", port: 6379, authToken: "tok", replicas: 1, tlsRequired: true, secretArn: "arn:r" },
};

describe("the contract's DBOPS_* variables", () => {
    it("are named by the one rule: upper snake case per path segment, or the segment's short name", () => {
        assert.strictEqual(variableName([{ name: "postgres", envName: "PG" }, { name: "engineMajor" }]), "DBOPS_PG_ENGINE_MAJOR");
        const names = contractVariables().map((v) => v.name);
        assert.ok(names.includes("DBOPS_PG_APP_LOCK_TIMEOUT_MS") && names.includes("DBOPS_DOCDB_READER_ENDPOINT") && names.includes("DBOPS_ROLE"));
        assert.strictEqual(new Set(names).size, names.length, "two keys map to one variable");
    });

    it("are exactly what the Kubernetes wiring writes for a contract with every field, each holding its field's value", () => {
        assert.ok(contractSchema.safeParse(full).success);
        const env = dbopsEnvironment(full);
        assert.deepStrictEqual(Object.keys(env).sort(), contractVariables().map((v) => v.name).sort());
        assert.strictEqual(env.DBOPS_PG_PARAMETERS, JSON.stringify(full.postgres.parameters));
        assert.strictEqual(env.DBOPS_PG_APP_IDLE_IN_TRANSACTION_TIMEOUT_MS, "60000");
        assert.strictEqual(env.DBOPS_REDIS_TLS_REQUIRED, "true");
    });

    it("leave out what is null or absent: no reader, no pinned revision, no application login, no store", () => {
        const env = dbopsEnvironment({ ...full, postgres: { ...full.postgres, reader: null, alembicRevision: null, application: null }, documentdb: undefined, redis: undefined });
        assert.deepStrictEqual(
            Object.keys(env).sort(),
            contractVariables()
                .filter((v) => v.path.startsWith("postgres.") || !v.path.includes("."))
                .filter((v) => !["postgres.reader", "postgres.alembicRevision"].includes(v.path) && !v.path.startsWith("postgres.application."))
                .map((v) => v.name)
                .sort(),
        );
    });
});

describe("the README and the guides it links", () => {
    const read = (file: string) => fs.readFileSync(path.join(ROOT, file), "utf8");
    const guides = [
        ...fs
            .readdirSync(path.join(ROOT, "docs"))
            .filter((f) => f.endsWith(".md") || f.endsWith(".json"))
            .map((f) => `docs/${f}`),
        "docs/benchmarks/README.md",
        "dbops/README.md",
        "preview/README.md",
        "policy/README.md",
    ];

    it("links every guide from the README", () => {
        const readme = read("README.md");
        assert.deepStrictEqual(
            guides.filter((g) => !readme.includes(`](${g})`)),
            [],
            "guides the README's table does not link",
        );
    });

    it("has no relative link to a file that does not exist", () => {
        const broken: string[] = [];
        for (const file of ["README.md", ...guides.filter((g) => g.endsWith(".md")), ...fs.readdirSync(path.join(ROOT, "docs", "benchmarks")).map((f) => `docs/benchmarks/${f}`)]) {
            // Links outside code spans only: a regular expression in a table is not a link.
            const prose = read(file).replace(/`[^`\n]*`/g, "");
            for (const [, target] of prose.matchAll(/\]\(([^)\s#]+)(?:#[^)]*)?\)/g)) {
                if (/^[a-z]+:/.test(target)) continue;
                if (!fs.existsSync(path.resolve(ROOT, path.dirname(file), target))) broken.push(`${file} -> ${target}`);
            }
        }
        assert.deepStrictEqual(broken, []);
    });
});
