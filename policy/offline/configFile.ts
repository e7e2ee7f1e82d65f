/**
 * Prints the policy config file of a stack, relative to the repository, as
 * `pulumi preview`/`pulumi up --policy-pack-config` must be given it:
 *
 *   node bin/policy/offline/configFile.js <stack>   # e.g. policy/config/prod.json
 *
 * The CI workflows call this so that they choose the file by the stack's
 * environment exactly as the offline run does (configFileForStack), not by the
 * stack's name. Bad input (no such stack, no environment, no config file for
 * it): one line on stderr, exit code 2.
 */
import * as path from "path";
import { REPO_ROOT } from "../../engine/repoRoot";
import { StackFileError, readStackFile } from "../../engine/stackFile";
import { PolicyConfigError, configFileForStack } from "./packConfig";

const USAGE = "usage: configFile <stack>   prints policy/config/<the stack's environment>.json";

function main(argv: string[]): number {
    if (argv.length !== 1 || argv[0].startsWith("-")) {
        console.error(`configFile: ${argv.length === 0 ? "a stack name is required" : `unexpected argument(s) ${argv.map((a) => JSON.stringify(a)).join(" ")}`}\n${USAGE}`);
        return 2;
    }
    try {
        console.log(path.relative(REPO_ROOT, configFileForStack(readStackFile(argv[0]))).split(path.sep).join("/"));
        return 0;
    } catch (e) {
        if (e instanceof StackFileError || e instanceof PolicyConfigError) {
            console.error(`configFile: ${e.message}`);
            return 2;
        }
        throw e;
    }
}

process.exitCode = main(process.argv.slice(2));
