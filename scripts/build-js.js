#!/usr/bin/env node
// Transpiles the program, the preview and the policy packs to JavaScript in bin/
// (same tree, one level down), for `make preview`: loading TypeScript through a
// loader at every run costs more than the 3-second budget allows. esbuild strips
// types file by file, as tsx does for the tests; `make test` type-checks with tsc.
const { buildSync } = require("esbuild");
const fs = require("fs");
const path = require("path");

const root = path.resolve(__dirname, "..");
const sources = (dir) =>
    fs.readdirSync(path.join(root, dir), { withFileTypes: true }).flatMap((e) => {
        const rel = path.join(dir, e.name);
        if (e.isDirectory()) return sources(rel);
        return e.name.endsWith(".ts") && !e.name.endsWith(".d.ts") ? [path.join(root, rel)] : [];
    });

buildSync({
    entryPoints: ["infra", "engine", "preview", "policy"].flatMap(sources),
    outdir: path.join(root, "bin"),
    outbase: root,
    format: "cjs",
    platform: "node",
    target: "node20",
    logLevel: "warning",
});
