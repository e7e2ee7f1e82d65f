/**
 * engine/mockEngine.ts answers the SDK's register responses with structRoundTrip(state) instead
 * of a protobuf Struct: it must be exactly what the Struct gives back, and fail where it fails.
 */
import { strict as assert } from "assert";
import * as structProto from "google-protobuf/google/protobuf/struct_pb";
import { structRoundTrip } from "../../engine/mockEngine";

const viaStruct = (v: Record<string, unknown>) => structProto.Struct.fromJavaScript(v as any).toJavaScript();

describe("structRoundTrip (the mock monitor's register responses)", () => {
    it("equals Struct.fromJavaScript(v).toJavaScript(): key order, nesting, every JSON kind", () => {
        const cases: Record<string, unknown>[] = [
            {},
            { z: 1, a: "x", m: null, b: true, k: false, e: "" },
            { list: [3, "two", null, { y: 1, x: [2, 1] }, []], nested: { c: { b: { a: 0 } }, "10": "n", "2": "m" } },
            { num: -0, big: 1e308, small: 5e-324, neg: -12.5, nan: NaN },
            { "4dabf18193072939515e22adb298388d": "1b47061264138c4ac30d75fd1eb44270", value: { secret: ["a", "b"] } },
            { unicode: { "é": 1, "Z": 2, "a": 3, "ä": 4 } },
        ];
        for (const c of cases) {
            const expected = viaStruct(c);
            const got = structRoundTrip(c);
            assert.deepEqual(got, expected);
            assert.equal(JSON.stringify(got), JSON.stringify(expected));
            assert.deepEqual(Object.keys(got as object), Object.keys(expected));
        }
    });

    it("makes new objects: the result shares nothing with its input", () => {
        const input = { a: { b: [1, { c: 2 }] } };
        const out = structRoundTrip(input) as typeof input;
        assert.notEqual(out.a, input.a);
        assert.notEqual(out.a.b, input.a.b);
        assert.notEqual(out.a.b[1], input.a.b[1]);
    });

    it("refuses what the Struct refuses, with its error", () => {
        for (const bad of [{ u: undefined }, { f: () => 1 }, { l: [1, undefined] }, { s: Symbol("s") }]) {
            assert.throws(() => viaStruct(bad), /Unexpected struct type/);
            assert.throws(() => structRoundTrip(bad), { message: "Unexpected struct type." });
        }
    });
});
