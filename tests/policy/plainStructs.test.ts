/**
 * In-process, the policy packs get each request's properties as the plain object a
 * protobuf Struct decodes to (policy/offline/evaluate.ts plainStruct), not as a Struct.
 * Over every stack and every deliberately unsafe one, both encodings give the packs'
 * validators exactly the same arguments (every value @pulumi/policy's deserializer is
 * handed and every value it returns, in call order, keys in order) and the same findings.
 */
import * as assert from "assert";
import { createRequire } from "module";
import { StructEncoding, closePolicyPacks, evaluatePolicies, plainStruct } from "../../policy/offline/evaluate";
import { structProto } from "../../policy/offline/analyzerHost";
import { RecordedResource } from "../../engine/mockEngine";
import { itAgreesOverEveryStack } from "./everyStack";

after(closePolicyPacks);

/** The deserializer server.js calls for every resource, provider and policy (a property of the shared module, read at each call). */
const deserialize = createRequire(require.resolve("@pulumi/policy/package.json"))("./deserialize") as {
    deserializeProperties: (s: { toJavaScript(): unknown }, proxySecrets: boolean) => unknown;
};

/** Every deserializer call during one evaluation: what it was handed and what it gave back, as JSON text (keys in order). */
async function recorded(resources: RecordedResource[], environment: string, structs: StructEncoding) {
    const calls: string[] = [];
    const real = deserialize.deserializeProperties;
    deserialize.deserializeProperties = (s, proxySecrets) => {
        const out = real(s, proxySecrets);
        calls.push(`${JSON.stringify(s.toJavaScript())} -> ${JSON.stringify(out)} (${proxySecrets})`);
        return out;
    };
    try {
        const findings = await evaluatePolicies(resources, { environment, region: "us-east-1", stack: "test", transport: "in-process", structs });
        return { findings, calls };
    } finally {
        deserialize.deserializeProperties = real;
    }
}

async function bothWays(resources: RecordedResource[], environment: string) {
    const viaStruct = await recorded(resources, environment, "protobuf");
    const plain = await recorded(resources, environment, "plain");
    assert.ok(viaStruct.calls.length > resources.length, `the validators ran (${viaStruct.calls.length} deserializer calls)`);
    assert.strictEqual(plain.calls.length, viaStruct.calls.length);
    for (let i = 0; i < plain.calls.length; i++) assert.strictEqual(plain.calls[i], viaStruct.calls[i], `deserializer call ${i}`);
    assert.deepStrictEqual(plain.findings, viaStruct.findings);
    return plain.findings;
}

describe("policy packs in-process: plain properties and protobuf Structs agree", function () {
    this.timeout(300_000);

    it("plainStruct is what a Struct decodes to: key order, numbers, nulls, empty lists, dropped undefined", () => {
        const values = { b: [1, 2.5, -3e300, null, [], {}], a: { z: "s", y: true, x: undefined, "10": 0, "2": 1 }, c: [undefined, { k: [] }], "": null };
        const viaStruct = structProto.Struct.fromJavaScript(JSON.parse(JSON.stringify(values))).toJavaScript();
        assert.strictEqual(JSON.stringify(plainStruct(values)), JSON.stringify(viaStruct));
        assert.deepStrictEqual(plainStruct(values), viaStruct);
        assert.deepStrictEqual(Object.keys(plainStruct({ b: 1, a: 2 })), ["a", "b"]);
    });

    itAgreesOverEveryStack(bothWays);
});
