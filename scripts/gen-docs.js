#!/usr/bin/env node
// Writes the reference documents generated from the schemas (infra/reference.ts):
// docs/configuration.md, docs/contract.schema.json, docs/contract-variables.md.
// `node scripts/gen-docs.js --check` writes nothing and exits 1 naming each stale file.
"use strict";
const fs = require("fs");
const path = require("path");
require("tsx/cjs");
const { GENERATED_DOCS } = require("../infra/reference.ts");

const root = path.resolve(__dirname, "..");
const check = process.argv.includes("--check");
let stale = 0;
for (const [file, render] of Object.entries(GENERATED_DOCS)) {
    const target = path.join(root, file);
    const text = render();
    const current = fs.existsSync(target) ? fs.readFileSync(target, "utf8") : undefined;
    if (current === text) continue;
    if (check) {
        console.error(`${file} is stale; regenerate it with: node scripts/gen-docs.js`);
        stale++;
    } else {
        fs.mkdirSync(path.dirname(target), { recursive: true });
        fs.writeFileSync(target, text);
        console.error(`wrote ${file}`);
    }
}
process.exit(stale ? 1 : 0);
