/**
 * The repository's root: the nearest directory above this file that holds
 * Pulumi.yaml. Data files (stack files, policy config) are found from here,
 * so the same code works from the TypeScript sources and from the JavaScript
 * that `make preview` compiles into bin/ (one directory deeper).
 */
import * as fs from "fs";
import * as path from "path";

function findRoot(start: string): string {
    for (let dir = start; ; dir = path.dirname(dir)) {
        if (fs.existsSync(path.join(dir, "Pulumi.yaml"))) return dir;
        if (path.dirname(dir) === dir) throw new Error(`no Pulumi.yaml above ${start}: engine/ must live inside the repository`);
    }
}

export const REPO_ROOT = findRoot(__dirname);
