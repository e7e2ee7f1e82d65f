/** Resource types of the random provider (hashicorp/terraform-provider-random, bridged by @pulumi/random). Sources: each spec's `source`, each rule's. */
import { known, ResourceTypeSpec } from "./spec";

const RANDOM = "https://github.com/hashicorp/terraform-provider-random/blob/main/internal";
const MINIMUMS = [
    ["minUpper", "upper"],
    ["minLower", "lower"],
    ["minNumeric", "numeric"],
    ["minSpecial", "special"],
] as const;

const count = (v: unknown): number => (typeof v === "number" && Number.isFinite(v) ? v : 0);

export const SPECS: ResourceTypeSpec[] = [
    {
        type: "random:index/randomId:RandomId",
        source: `${RANDOM}/provider/resource_id.go`,
        example: { byteLength: 4 },
        rules: [
            {
                id: "random-id-byte-length",
                property: "byteLength",
                origin: "provider",
                // resource_id.go byte_length: Required, "The minimum value is 1". The version read has no validator
                // for it: 0 would create an empty id (a name suffix of nothing), so the engine holds the documented minimum.
                source: `${RANDOM}/provider/resource_id.go (byte_length)`,
                check: (inputs) => {
                    const n = inputs.byteLength;
                    if (n === undefined) return "byteLength is required";
                    if (!known(n)) return undefined;
                    return typeof n === "number" && Number.isInteger(n) && n >= 1 ? undefined : `byteLength ${JSON.stringify(n)}; it must be a whole number of at least 1`;
                },
                cases: { pass: [{ byteLength: 1 }], fail: [{ byteLength: 0 }, { byteLength: undefined }] },
            },
        ],
        // Every argument RequiresReplace (keepers: when a value changes to a non-null one).
        forceNew: [{ property: "byteLength" }, { property: "keepers" }, { property: "prefix" }],
    },
    {
        type: "random:index/randomPassword:RandomPassword",
        source: `${RANDOM}/provider/resource_password.go`,
        example: { length: 40, special: true, overrideSpecial: "!*()-_.~+=", minLower: 2, minUpper: 2, minNumeric: 2, minSpecial: 2 },
        rules: [
            {
                id: "random-password-length",
                property: "length",
                origin: "provider",
                // resource_password.go length: Required, AtLeast(1), and at least min_upper + min_lower +
                // min_numeric + min_special (NewIntIsAtLeastSumOfValidator).
                source: `${RANDOM}/provider/resource_password.go (length)`,
                check: (inputs) => {
                    const n = inputs.length;
                    if (n === undefined) return "length is required";
                    if (!known(n)) return undefined;
                    if (typeof n !== "number" || !Number.isInteger(n) || n < 1) return `length ${JSON.stringify(n)}; it must be a whole number of at least 1`;
                    const sum = MINIMUMS.reduce((s, [k]) => s + count(inputs[k]), 0);
                    return n >= sum ? undefined : `length ${n} is below the sum of the minimums (${MINIMUMS.map(([k]) => `${k} ${count(inputs[k])}`).join(" + ")} = ${sum})`;
                },
                cases: { pass: [{ length: 8 }], fail: [{ length: 7 }, { length: 0, minLower: 0, minUpper: 0, minNumeric: 0, minSpecial: 0 }, { length: undefined }] },
            },
            {
                id: "random-password-minimums",
                property: "minSpecial",
                origin: "provider",
                // min_upper, min_lower, min_numeric, min_special: Int64 AtLeast(0).
                source: `${RANDOM}/provider/resource_password.go (min_upper, min_lower, min_numeric, min_special)`,
                check: (inputs) => {
                    for (const [k] of MINIMUMS) {
                        const v = inputs[k];
                        if (known(v) && !(typeof v === "number" && Number.isInteger(v) && v >= 0)) return `${k} ${JSON.stringify(v)}; it must be a whole number of at least 0`;
                    }
                    return undefined;
                },
                cases: { pass: [{ minSpecial: 0 }], fail: [{ minSpecial: -1 }, { minUpper: 1.5 }] },
            },
            {
                id: "random-password-minimum-of-a-class-switched-off",
                property: "minSpecial",
                origin: "provider",
                // internal/random/string.go CreateString draws each min_* from its class whether or not the class
                // is on (special = false with min_special = 2 still yields 2 specials). The provider accepts it,
                // but the value then holds characters its inputs say it cannot, and every rule judging the
                // generator (engine/provider/generated.ts) would misjudge it: refuse the contradiction.
                source: `${RANDOM}/random/string.go (CreateString: minMapping)`,
                check: (inputs) => {
                    for (const [min, cls] of MINIMUMS) {
                        if (inputs[cls] === false && count(inputs[min]) > 0) return `${min} is ${inputs[min]} while ${cls} is false: the provider still puts ${inputs[min]} ${cls} character(s) in the value; set ${min} to 0 or ${cls} to true`;
                    }
                    return undefined;
                },
                cases: { pass: [{ special: false, minSpecial: 0 }], fail: [{ special: false }, { upper: false, minUpper: 1 }] },
            },
        ],
        // Every argument RequiresReplace: any change generates a new value (the stores using it are updated in place).
        forceNew: [
            { property: "keepers" },
            { property: "length" },
            { property: "lower", default: true },
            { property: "minLower", default: 0 },
            { property: "minNumeric", default: 0 },
            { property: "minSpecial", default: 0 },
            { property: "minUpper", default: 0 },
            { property: "number", default: true },
            { property: "numeric", default: true },
            { property: "overrideSpecial" },
            { property: "special", default: true },
            { property: "upper", default: true },
        ],
    },
];
