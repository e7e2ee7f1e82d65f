#!/usr/bin/env node
// Writes the real-release MLflow fixtures from the schema facts (../shared/facts/mlflow-real-schemas.md:
// what MLflow's own code created on PostgreSQL 15 for each release), so the facts stay the one source:
//   tests/fixtures/mlflow/<release>/schema.sql   the release's tables, keys, foreign keys, indexes and
//                                                its alembic revision, as a psql script
//   dbops/Data/MlflowReleases.cs                 the same facts for the verifier (tables, columns,
//                                                primary keys, foreign keys, MLflow's own indexes)
//
//   node scripts/mlflow-fixtures.js [FACTS.md]
//
// Run it again when the facts gain a release; commit what it writes. Nothing is copied from MLflow.
"use strict";
const fs = require("fs");
const path = require("path");

const root = path.resolve(__dirname, "..");
const factsPath = process.argv[2] ?? path.resolve(root, "..", "shared", "facts", "mlflow-real-schemas.md");
const facts = fs.readFileSync(factsPath, "utf8");

/** Splits "a, b, c" at top-level commas (not inside parentheses). */
function splitTop(s) {
    const out = [];
    let depth = 0;
    let cur = "";
    for (const ch of s) {
        if (ch === "(") depth++;
        if (ch === ")") depth--;
        if (ch === "," && depth === 0) {
            out.push(cur.trim());
            cur = "";
        } else cur += ch;
    }
    if (cur.trim()) out.push(cur.trim());
    return out;
}
const unquote = (c) => c.replace(/^"(.*)"$/, "$1");
const cols = (inner) => splitTop(inner).map(unquote);

function parse(text) {
    const releases = [];
    let release = null;
    let table = null;
    for (const line of text.split("\n")) {
        let m;
        if ((m = /^## MLflow (.+?) \((?:(.+?), )?alembic head ([0-9a-f]+)\): (\d+) tables/.exec(line))) {
            // "## MLflow 3.11.1 (alembic head c3d…)" or "## MLflow master after 3.11.1 (3.11.2.dev0, alembic head 7d3…)"
            const name = m[2] ?? m[1];
            release = { name, title: m[1], revision: m[3], tableCount: Number(m[4]), tables: [] };
            releases.push(release);
            table = null;
        } else if (release && (m = /^### (\w+)$/.exec(line))) {
            table = { name: m[1], columns: [], pk: null, uniques: [], checks: [], fks: [], indexes: [] };
            release.tables.push(table);
        } else if (table && line.startsWith("- columns: ")) {
            for (const def of line.slice("- columns: ".length).split("; ")) {
                const name = unquote(def.match(/^("[^"]+"|\S+)/)[1]);
                table.columns.push({ name, def });
            }
        } else if (table && line.startsWith("- constraint CONSTRAINT ")) {
            table.checks.push(line.slice("- constraint ".length));
        } else if (table && (m = /^- constraint (\w+): (PRIMARY KEY|UNIQUE) \((.+)\)$/.exec(line))) {
            const key = { name: m[1], columns: cols(m[3]) };
            if (m[2] === "PRIMARY KEY") table.pk = key;
            else table.uniques.push(key);
        } else if (table && (m = /^- constraint (\w+): FOREIGN KEY \((.+?)\) REFERENCES (\w+)\((.+?)\)(.*)$/.exec(line))) {
            const tail = m[5];
            const onDelete = (/ON DELETE (CASCADE|SET NULL|RESTRICT|SET DEFAULT)/.exec(tail) ?? [null, "NO ACTION"])[1];
            const onUpdate = (/ON UPDATE (CASCADE|SET NULL|RESTRICT|SET DEFAULT)/.exec(tail) ?? [null, "NO ACTION"])[1];
            table.fks.push({ name: m[1], columns: cols(m[2]), references: m[3], referenced: cols(m[4]), onDelete, onUpdate, sql: line.slice(line.indexOf(": ") + 2) });
        } else if (table && (m = /^- index (\w+): (unique )?(\w+) \((.+)\)$/.exec(line))) {
            table.indexes.push({ name: m[1], unique: Boolean(m[2]), method: m[3], columns: cols(m[4]), raw: m[4] });
        } else if (table && line.startsWith("- ")) {
            throw new Error(`unparsed fact in ${release.name}.${table.name}: ${line}`);
        }
    }
    for (const r of releases) {
        if (r.tables.length !== r.tableCount) throw new Error(`${r.name}: ${r.tables.length} tables parsed, the facts say ${r.tableCount}`);
        for (const t of r.tables) if (!t.pk) throw new Error(`${r.name}.${t.name}: no primary key in the facts`);
    }
    return releases;
}

function schemaSql(r) {
    const out = [];
    out.push(`-- MLflow ${r.title}${r.title === r.name ? "" : ` (${r.name})`}: the PostgreSQL schema MLflow's own code creates (alembic head ${r.revision}, ${r.tables.length} tables),`);
    out.push("-- written by scripts/mlflow-fixtures.js from ../shared/facts/mlflow-real-schemas.md. Do not edit: change the facts");
    out.push("-- or the generator and run it again. Tables, columns, keys, foreign keys (with ON DELETE) and indexes");
    out.push("-- are the release's own; the schema stands in for `mlflow server`'s first start, so dbops can be tested without MLflow.");
    out.push("\\set ON_ERROR_STOP on");
    out.push("");
    for (const t of r.tables) {
        out.push(`create table ${t.name} (`);
        out.push(t.columns.map((c) => `    ${c.def}`).join(",\n"));
        out.push(");");
    }
    out.push("");
    // The facts list experiments.experiment_id as "integer NOT NULL" without its default, yet MLflow's
    // create_experiment inserts no id: its model declares the column autoincrement, which SQLAlchemy
    // creates on PostgreSQL as a serial (a sequence owned by the column). Not checkable here beyond
    // the facts; MLflow's Default experiment 0 is inserted explicitly by MLflow, not drawn from it.
    const experiments = r.tables.find((t) => t.name === "experiments");
    if (experiments) {
        out.push("create sequence experiments_experiment_id_seq as integer owned by experiments.experiment_id;");
        out.push("alter table experiments alter column experiment_id set default nextval('experiments_experiment_id_seq');");
        out.push("");
    }
    for (const t of r.tables) {
        out.push(`alter table ${t.name} add constraint ${t.pk.name} primary key (${t.pk.columns.map(q).join(", ")});`);
        for (const u of t.uniques) out.push(`alter table ${t.name} add constraint ${u.name} unique (${u.columns.map(q).join(", ")});`);
        for (const c of t.checks) out.push(`alter table ${t.name} add ${c};`);
    }
    out.push("");
    for (const t of r.tables) for (const f of t.fks) out.push(`alter table ${t.name} add constraint ${f.name} ${f.sql};`);
    out.push("");
    for (const t of r.tables) {
        for (const i of t.indexes) out.push(`create ${i.unique ? "unique " : ""}index ${i.name} on ${t.name} using ${i.method} (${i.raw});`);
    }
    out.push("");
    out.push(`insert into alembic_version (version_num) values ('${r.revision}');`);
    return out.join("\n") + "\n";
}

function q(c) {
    return /^[a-z_][a-z0-9_]*$/.test(c) && !["timestamp", "key", "value"].includes(c) ? c : `"${c}"`;
}

const cs = (s) => `"${s}"`;
const csList = (xs) => `[${xs.map(cs).join(", ")}]`;

function releasesCs(releases) {
    const out = [];
    out.push("// <auto-generated>");
    out.push("// Written by scripts/mlflow-fixtures.js from ../shared/facts/mlflow-real-schemas.md; do not edit.");
    out.push("// </auto-generated>");
    out.push("namespace Dbops.Data;");
    out.push("");
    out.push("public static partial class MlflowReleases");
    out.push("{");
    out.push("    /// <summary>Every release the facts hold, oldest first: the last is the newest this build knows.</summary>");
    out.push("    public static readonly IReadOnlyList<MlflowRelease> Known =");
    out.push("    [");
    for (const r of releases) {
        out.push(`        new(${cs(r.name)}, ${cs(r.revision)},`);
        out.push("        [");
        for (const t of r.tables) {
            out.push(`            new(${cs(t.name)}, ${csList(t.columns.map((c) => c.name))},`);
            out.push(`                new(${cs(t.pk.name)}, ${csList(t.pk.columns)}),`);
            out.push(`                [${t.fks.map((f) => `new(${cs(f.name)}, ${csList(f.columns)}, ${cs(f.references)}, ${csList(f.referenced)}, ${cs(f.onDelete)})`).join(", ")}],`);
            out.push(`                [${t.indexes.map((i) => `new(${cs(i.name)}, ${csList(i.columns)}, ${i.unique})`).join(", ")}]),`);
        }
        out.push("        ]),");
    }
    out.push("    ];");
    out.push("}");
    return out.join("\n") + "\n";
}

const releases = parse(facts);
for (const r of releases) {
    const dir = path.join(root, "tests", "fixtures", "mlflow", r.name);
    fs.mkdirSync(dir, { recursive: true });
    fs.writeFileSync(path.join(dir, "schema.sql"), schemaSql(r));
    console.log(`mlflow-fixtures: ${path.relative(root, dir)}/schema.sql (${r.tables.length} tables, alembic ${r.revision})`);
}
fs.writeFileSync(path.join(root, "dbops", "Data", "MlflowReleases.cs"), releasesCs(releases));
console.log("mlflow-fixtures: dbops/Data/MlflowReleases.cs");
