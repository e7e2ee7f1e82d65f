#!/usr/bin/env node
// Transpiles the program, the preview and the policy packs to JavaScript in bin/
// (same tree, one level down), for `make preview`: loading TypeScript through a
// loader at every run costs more than the 3-second budget allows. esbuild strips
// types file by file, as tsx does for the tests; `make test` type-checks with tsc.
//
// Then the preview's two entry points, bin/preview/cli.js and bin/preview/stackWorker.js,
// become loaders of bundles (cli.bundle.js, stackWorker.bundle.js, each with its V8 code
// cache; preview/bundled.ts): each one file holding the preview's modules and the packages
// they load, so that node resolves, reads and compiles one file instead of some 650
// (docs/benchmarks/2026-12-03-bench-preview-2.md). What a bundle must keep of node's
// module system, and how:
//   - One instance of each module. Code outside the bundle (a base revision's program, the
//     policy packs' @pulumi/policy server.js that policy/offline/inProcessHost.ts compiles
//     afresh, the deferred SDK modules when loaded) requires packages by their files in
//     node_modules. The bundle lists every node_modules file it holds (engine/bundledModules.ts,
//     filled in here), and engine/bundledModules.ts's install puts a stand-in for each into
//     require.cache, so that such a require gets the bundled instance, not a second copy.
//   - The modules engine/deferredSdkModules.ts defers stay out (required from node_modules
//     when first used), so that its stand-ins still take their place.
//   - __dirname and __filename of a bundled package file are its own (esbuild would leave the
//     bundle's), for the few that read files next to themselves.
// The other files of bin/ stay per-file (scripts/dr-drill.js, CI's configFile.js).
const esbuild = require("esbuild");
const { execFileSync } = require("child_process");
const fs = require("fs");
const path = require("path");

const root = path.resolve(__dirname, "..");
const sources = (dir) =>
    fs.readdirSync(path.join(root, dir), { withFileTypes: true }).flatMap((e) => {
        const rel = path.join(dir, e.name);
        if (e.isDirectory()) return sources(rel);
        return e.name.endsWith(".ts") && !e.name.endsWith(".d.ts") ? [path.join(root, rel)] : [];
    });

const common = { format: "cjs", platform: "node", target: "node20", logLevel: "warning" };
esbuild.buildSync({ ...common, entryPoints: ["infra", "engine", "preview", "policy"].flatMap(sources), outdir: path.join(root, "bin"), outbase: root });

const outdir = path.join(root, "bin", "preview");
const REGISTRY = path.join(root, "engine", "bundledModules.ts");
// engine/deferredSdkModules.ts's DEFERRED and DEFERRED_ELSEWHERE, as files: kept out of the bundle.
const DEFERRED = [
    "@pulumi/pulumi/runtime/closure/codePaths.js",
    "@pulumi/pulumi/runtime/closure/serializeClosure.js",
    "@pulumi/pulumi/automation/index.js",
    "zod/v4/locales/index.cjs",
];
const deferredFiles = new Map(DEFERRED.map((spec) => [require.resolve(spec, { paths: [root] }), spec]));
const inNodeModules = (file) => file.split(path.sep).includes("node_modules");
const posix = (p) => p.split(path.sep).join("/");

const escape = (p) => p.replace(/[.*+?^${}()|[\]\\/]/g, "\\$&");
/** The files that get their own __dirname: none in the first pass, whose output is not written. */
const ownDirFilter = (registered) => (registered && registered.ownDir.size > 0 ? new RegExp(`^(${[...registered.ownDir].map(escape).join("|")})$`) : /^$/);

/** `registered`: undefined in the first pass; then the package files the bundles hold, and those that read __dirname or __filename. */
function plugin(registered) {
    return {
        name: "preview-bundle",
        setup(build) {
            // Bare package names (their "require" export) and the names the deferred modules are required by.
            build.onResolve({ filter: /^[^./]|closure\/(codePaths|serializeClosure)|automation|locales/ }, async (args) => {
                if (args.pluginData === "resolving" || args.kind === "entry-point") return undefined;
                // As a require: the per-file build turns every import into one, so node resolves a package's
                // "require" export (zod's .cjs files, not its ESM ones), and so must the bundle.
                const kind = args.kind === "import-statement" ? "require-call" : args.kind;
                const r = await build.resolve(args.path, { resolveDir: args.resolveDir, kind, importer: args.importer, pluginData: "resolving" });
                if (r.errors.length > 0 || r.external) return r;
                const spec = deferredFiles.get(r.path);
                // Required by its package name, so that node finds the same file, where the stand-in is.
                if (spec) return { path: spec, external: true };
                return r;
            });
            build.onLoad({ filter: ownDirFilter(registered) }, (args) => {
                if (!registered?.ownDir.has(args.path)) return undefined;
                const text = fs.readFileSync(args.path, "utf8");
                const own = posix(path.relative(outdir, args.path));
                const header = `var __filename = __bundleDir + ${JSON.stringify("/" + own)}, __dirname = __bundleDir + ${JSON.stringify("/" + path.posix.dirname(own))};`;
                return { contents: header + text, loader: "js" };
            });
            build.onLoad({ filter: /bundledModules\.ts$/ }, (args) => {
                if (args.path !== REGISTRY || !registered) return undefined;
                const entries = registered.files.map((f) => `    ${JSON.stringify(posix(path.relative(outdir, f)))}: () => require(${JSON.stringify(f)}),`);
                const source = fs.readFileSync(REGISTRY, "utf8").replace(/export const BUNDLED_MODULES[^\n]*= \{\};/, (decl) => `${decl.slice(0, -3)}{\n${entries.join("\n")}\n};`);
                if (!source.includes("() => require(")) throw new Error(`${REGISTRY}: its BUNDLED_MODULES declaration changed; scripts/build-js.js must follow it`);
                return { contents: source, loader: "ts" };
            });
        },
    };
}

const bundle = (registered) =>
    esbuild.build({
        ...common,
        entryPoints: [path.join(root, "preview", "cli.ts"), path.join(root, "preview", "stackWorker.ts")],
        outdir,
        // cli.bundle.js and stackWorker.bundle.js; cli.js and stackWorker.js become their loaders (below).
        entryNames: "[name].bundle",
        bundle: true,
        metafile: true,
        write: registered !== undefined,
        // A stack trace points into the bundle; its map (next to it, read only under --enable-source-maps, so free
        // otherwise) turns it back into the sources' lines. preview/cli.ts says so when a crash's trace needs it.
        sourcemap: "linked",
        // Where the bundle lies; the package files' own __dirname are made from it.
        banner: { js: "var __bundleDir = __dirname;" },
        // esbuild (preview/revision.ts transpiles a base revision with it) runs its own binary, found from its own files.
        external: ["esbuild"],
        plugins: [plugin(registered)],
        // require.resolve of the packages' package.json (engine/deferredSdkModules.ts, policy/offline) is meant for node at run time.
        logOverride: { "require-resolve-not-external": "silent" },
    });

(async () => {
    // First the files the bundles hold, then the bundles with that list in them (the list adds no file).
    const first = await bundle(undefined);
    const files = Object.keys(first.metafile.inputs).map((f) => path.resolve(root, f)).filter(inNodeModules).sort();
    const ownDir = new Set(files.filter((f) => /\.c?js$/.test(f) && /\b__(dirname|filename)\b/.test(fs.readFileSync(f, "utf8"))));
    const second = await bundle({ files, ownDir });
    const again = Object.keys(second.metafile.inputs).map((f) => path.resolve(root, f)).filter(inNodeModules).sort();
    if (again.join("\n") !== files.join("\n")) throw new Error("scripts/build-js.js: the bundles' files changed between the two passes");
    // Each entry point node is asked to run becomes a loader of its bundle (preview/bundled.ts), and each bundle
    // gets its V8 code cache, made in a process of its own: the CLI's after its module initialisation (the load
    // phase), the worker's from its top-level code only (it refuses to run outside a worker thread).
    for (const [name, initialise] of [["cli", true], ["stackWorker", false]]) {
        const bundleFile = path.join(outdir, `${name}.bundle.js`);
        fs.writeFileSync(path.join(outdir, `${name}.js`), `"use strict";\n// The preview's ${name} as one bundle (scripts/build-js.js), compiled with its code cache (preview/bundled.ts).\nrequire("./bundled").runBundle(module, require("path").join(__dirname, ${JSON.stringify(`${name}.bundle.js`)}));\n`);
        execFileSync(process.execPath, ["-e", `require(${JSON.stringify(path.join(outdir, "bundled.js"))}).writeCodeCache(${JSON.stringify(bundleFile)}, ${initialise})`], { stdio: ["ignore", "ignore", "inherit"], env: { ...process.env, PREVIEW_CODE_CACHE: "1" } });
    }
})().catch((e) => {
    console.error(e);
    process.exit(1);
});
