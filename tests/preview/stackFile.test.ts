import * as assert from "assert";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { MASKED, StackFileError, listStacks, readStackFile } from "../../engine/stackFile";

describe("stack file reader", () => {
    let dir: string;
    beforeEach(() => {
        dir = fs.mkdtempSync(path.join(os.tmpdir(), "stacks-"));
    });
    afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

    it("keeps strings, turns structures into JSON, masks encrypted values and marks their keys secret", () => {
        fs.writeFileSync(
            path.join(dir, "Pulumi.x.yaml"),
            [
                "config:",
                "  aws:region: eu-west-1",
                "  mlops-data:aurora:",
                "    instances: 2",
                "  mlops-data:kubeconfig:",
                "    secure: AAABAKz0gq==",
                "  mlops-data:nested:",
                "    token:",
                "      secure: AAABAFoo==",
                "    plain: yes",
            ].join("\n"),
        );
        const s = readStackFile("x", dir);
        assert.strictEqual(s.config["aws:region"], "eu-west-1");
        assert.deepStrictEqual(JSON.parse(s.config["mlops-data:aurora"]), { instances: 2 });
        assert.strictEqual(s.config["mlops-data:kubeconfig"], MASKED);
        assert.deepStrictEqual(JSON.parse(s.config["mlops-data:nested"]), { token: MASKED, plain: "yes" });
        assert.deepStrictEqual(s.secretKeys.sort(), ["mlops-data:kubeconfig", "mlops-data:nested"]);
        assert.ok(!JSON.stringify(s).includes("AAAB"), "ciphertext is not carried along either");
    });

    it("names the stacks there are when one is missing", () => {
        fs.writeFileSync(path.join(dir, "Pulumi.a.yaml"), "config: {}\n");
        fs.writeFileSync(path.join(dir, "Pulumi.b.yaml"), "config: {}\n");
        assert.deepStrictEqual(listStacks(dir), ["a", "b"]);
        assert.throws(() => readStackFile("c", dir), (e: Error) => e instanceof StackFileError && /stacks: a, b/.test(e.message));
    });

    it("reports YAML that does not parse", () => {
        fs.writeFileSync(path.join(dir, "Pulumi.bad.yaml"), "config: [unclosed\n");
        assert.throws(() => readStackFile("bad", dir), (e: Error) => e instanceof StackFileError && /is not valid YAML/.test(e.message));
    });
});
