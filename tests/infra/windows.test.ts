import * as assert from "assert";
import {
    MINUTES_PER_DAY,
    STORE_WINDOWS,
    StoreWindows,
    WindowedStore,
    checkStackWindows,
    checkStoreWindows,
    WindowFormatError,
    checkMinimumLength,
    checkNoOverlap,
    parseDailyWindow,
    parseWeeklyWindow,
    windowContains,
    windowsOverlap,
} from "../../infra/windows";
import { TYPES, only, stack } from "../harness";
import { configOf } from "./stackConfig";

const SUN = 6 * MINUTES_PER_DAY;

describe("windows", () => {
    describe("daily windows", () => {
        it("parses a window and its length", () => {
            const w = parseDailyWindow("03:00-03:30");
            assert.strictEqual(w.minutes, 30);
            assert.strictEqual(w.intervals.length, 7);
            assert.deepStrictEqual(w.intervals[0], { start: 180, end: 210 });
        });

        it("handles a window that crosses midnight, including into next week", () => {
            const w = parseDailyWindow("23:45-00:15");
            assert.strictEqual(w.minutes, 30);
            assert.ok(windowContains(w, SUN + 23 * 60 + 50), "Sunday 23:50");
            assert.ok(windowContains(w, 10), "Monday 00:10, after the week wrapped");
            assert.ok(!windowContains(w, 20), "Monday 00:20 is outside");
        });

        for (const bad of ["25:00-26:00", "2:00-3:00", "03:00-03:60", "03:00", "03:00-03:00", " 03:00-03:30", "0300-0330"]) {
            it(`rejects "${bad}" and says what is allowed`, () => {
                assert.throws(() => parseDailyWindow(bad), (e: Error) => {
                    assert.ok(e instanceof WindowFormatError);
                    assert.match(e.message, new RegExp(`"${bad.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")}"`));
                    assert.match(e.message, /hh24:mi-hh24:mi/);
                    return true;
                });
            });
        }
    });

    describe("weekly windows", () => {
        it("parses a window within one day", () => {
            const w = parseWeeklyWindow("sun:04:00-sun:04:30");
            assert.strictEqual(w.minutes, 30);
            assert.deepStrictEqual(w.intervals, [{ start: SUN + 240, end: SUN + 270 }]);
        });

        it("splits a window that crosses from Sunday into Monday at the week boundary", () => {
            const w = parseWeeklyWindow("sun:23:30-mon:00:30");
            assert.strictEqual(w.minutes, 60);
            assert.deepStrictEqual(w.intervals, [
                { start: 0, end: 30 },
                { start: SUN + 23 * 60 + 30, end: 7 * MINUTES_PER_DAY },
            ]);
        });

        for (const bad of ["sun:2:00-sun:3:00", "sunday:04:00-sunday:04:30", "sun:24:00-mon:00:30", "abc:04:00-abc:04:30", "04:00-04:30"]) {
            it(`rejects "${bad}"`, () => {
                assert.throws(() => parseWeeklyWindow(bad), WindowFormatError);
            });
        }
    });

    describe("overlap", () => {
        it("finds a daily backup window overlapping a maintenance window that crosses midnight", () => {
            const backup = parseDailyWindow("00:00-00:30");
            const maintenance = parseWeeklyWindow("sun:23:30-mon:00:30");
            assert.ok(windowsOverlap(backup, maintenance));
        });

        it("finds a backup window crossing midnight overlapping that maintenance window", () => {
            assert.ok(windowsOverlap(parseDailyWindow("23:50-00:20"), parseWeeklyWindow("sun:23:30-mon:00:30")));
        });

        it("does not report windows that only touch", () => {
            assert.ok(!windowsOverlap(parseDailyWindow("03:00-03:30"), parseWeeklyWindow("sun:03:30-sun:04:00")));
            assert.ok(!windowsOverlap(parseDailyWindow("00:30-01:00"), parseWeeklyWindow("sun:23:30-mon:00:30")));
        });

        it("reports a daily window against a weekly one on any day", () => {
            assert.ok(windowsOverlap(parseDailyWindow("05:10-05:40"), parseWeeklyWindow("wed:05:00-wed:05:30")));
        });

        it("names both keys in the problem", () => {
            const problems = checkNoOverlap([
                { key: "aurora.preferredBackupWindow", window: parseDailyWindow("04:00-04:30") },
                { key: "aurora.preferredMaintenanceWindow", window: parseWeeklyWindow("sun:04:15-sun:04:45") },
            ]);
            assert.strictEqual(problems.length, 1);
            assert.strictEqual(problems[0].key, "aurora.preferredMaintenanceWindow");
            assert.strictEqual(problems[0].value, "sun:04:15-sun:04:45");
            assert.match(problems[0].message, /overlaps aurora\.preferredBackupWindow \("04:00-04:30"\)/);
        });
    });

    describe("minimum length", () => {
        it("reports a window shorter than the minimum with both figures", () => {
            const [p] = checkMinimumLength({ key: "k", window: parseDailyWindow("03:00-03:29") }, 30);
            assert.strictEqual(p.message, "lasts 29 minutes; AWS requires at least 30 minutes");
        });

        it("accepts exactly the minimum", () => {
            assert.deepStrictEqual(checkMinimumLength({ key: "k", window: parseDailyWindow("23:45-00:15") }, 30), []);
        });
    });

    describe("stack-wide rules", () => {
        const store = (name: WindowedStore, backup: string, maintenance: string): StoreWindows => ({
            rule: STORE_WINDOWS[name],
            backup: { key: `${name}.backup`, window: parseDailyWindow(backup) },
            maintenance: { key: `${name}.maintenance`, window: parseWeeklyWindow(maintenance) },
        });
        const rds = (n: "aurora" | "documentdb", b: string, m: string) => store(n, b, m);
        const cache = (b: string, m: string) => store("redis", b, m);

        it("accepts staggered windows", () => {
            assert.deepStrictEqual(
                checkStackWindows([
                    rds("aurora", "02:00-02:30", "sun:05:00-sun:05:30"),
                    rds("documentdb", "02:30-03:00", "sun:05:30-sun:06:00"),
                    cache("03:00-04:00", "sun:06:00-sun:07:00"),
                ]),
                [],
            );
        });

        it("reports each broken rule once, against the later key", () => {
            const problems = checkStackWindows([
                rds("aurora", "02:00-02:30", "sun:05:00-sun:05:30"),
                rds("documentdb", "02:20-02:50", "sun:02:40-sun:03:20"),
                cache("03:00-03:50", "sun:06:00-sun:06:45"),
            ]);
            assert.deepStrictEqual(
                problems.map((p) => `${p.key}: ${p.message}`),
                [
                    'documentdb.maintenance: overlaps documentdb.backup ("02:20-02:50"); the two must not share any minute (UTC)',
                    "redis.backup: lasts 50 minutes; AWS requires at least 60 minutes",
                    "redis.maintenance: lasts 45 minutes; AWS requires at least 60 minutes",
                    'documentdb.backup: overlaps aurora.backup ("02:00-02:30"); the two must not share any minute (UTC)',
                ],
            );
        });

        it("checks the maintenance window of a store that takes no backups, and leaves it out of the stagger", () => {
            const problems = checkStackWindows([
                rds("aurora", "02:00-02:30", "sun:05:00-sun:05:30"),
                { rule: STORE_WINDOWS.redis, maintenance: { key: "redis.maintenance", window: parseWeeklyWindow("sun:06:00-sun:06:30") } },
            ]);
            assert.deepStrictEqual(problems.map((p) => `${p.key}: ${p.message}`), ["redis.maintenance: lasts 30 minutes; AWS requires at least 60 minutes"]);
        });

        it("reports a maintenance window written backwards by its length, not by the overlaps it causes", () => {
            const problems = checkStoreWindows(rds("documentdb", "02:00-02:30", "sun:07:00-sun:05:00"));
            assert.deepStrictEqual(problems.map((p) => p.key), ["documentdb.maintenance"]);
            assert.match(problems[0].message, /^ends 2 hours before it starts: .* at most 1410 minutes \(23 hours 30 minutes\)/);
        });

        it("sees backups of two stores collide across midnight", () => {
            const problems = checkStackWindows([rds("aurora", "23:45-00:15", "sun:05:00-sun:05:30"), cache("00:00-01:00", "sun:06:00-sun:07:00")]);
            assert.deepStrictEqual(problems.map((p) => p.key), ["redis.backup"]);
        });
    });

    describe("the store-windows table", () => {
        // The table's names must be both the stack config's keys and the providers' properties:
        // config validation reads the first, the policies the second, and the components pass one to the other.
        const clusterOf = { aurora: TYPES.cluster, documentdb: TYPES.docdbCluster, redis: TYPES.replicationGroup } as const;
        for (const store of Object.keys(STORE_WINDOWS) as WindowedStore[]) {
            it(`${store}: names the config keys whose values the store's resource registers under the same names`, async () => {
                const rule = STORE_WINDOWS[store];
                const section = configOf("dev")[store] as Record<string, unknown>;
                const resource = only(await stack("dev"), clusterOf[store]);
                for (const key of [rule.backup, rule.maintenance]) {
                    assert.strictEqual(typeof section[key], "string", `dev's ${store}.${key}`);
                    assert.strictEqual(resource.inputs[key], section[key], `${clusterOf[store]} ${key}`);
                }
            });
        }
    });
});
