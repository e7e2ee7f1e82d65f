/**
 * The cases of a test that runs two ways of evaluating the policy packs side by side
 * (transports.test.ts, plainStructs.test.ts): one case per stack of the repository, and one
 * over every deliberately unsafe stack, which must between them produce findings, so that
 * an agreement on no findings at all cannot pass for agreement.
 */
import * as assert from "assert";
import * as fs from "fs";
import { RecordedResource, StackEvaluationError, evaluateStack } from "../../engine/mockEngine";
import { readStackFile } from "../../engine/stackFile";
import { STACKS, stack } from "../harness";
import { UNSAFE_DIR, readUnsafeStack } from "./unsafeStacks";

/** `compare` asserts that both ways agree on the resources, and returns the findings they agree on. */
export function itAgreesOverEveryStack(compare: (resources: RecordedResource[], environment: string) => Promise<readonly unknown[]>): void {
    for (const name of STACKS) {
        it(`stack ${name}`, async () => {
            await compare((await stack(name)).resources, readStackFile(name).config["mlops-data:environment"]);
        });
    }

    const unsafe = fs.readdirSync(UNSAFE_DIR).filter((f) => f.endsWith(".yaml")).map((f) => f.slice(0, -5));
    it(`the unsafe stacks (${unsafe.length}), with their violations`, async () => {
        let found = 0;
        for (const name of unsafe) {
            const ev = await evaluateStack(name, { stackConfig: readUnsafeStack(name) }).catch((e) => {
                // Two of them the program's own validation refuses: no resources to compare.
                if (e instanceof StackEvaluationError) return undefined;
                throw e;
            });
            if (ev) found += (await compare(ev.resources, "prod")).length;
        }
        assert.ok(found >= 6, `expected the unsafe stacks' violations, found ${found}`);
    });
}
