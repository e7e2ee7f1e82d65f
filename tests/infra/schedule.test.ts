import * as assert from "assert";
import { ScheduleFormatError, longestGapMinutes, parseSchedule } from "../../infra/schedule";
import { MINUTES_PER_DAY } from "../../infra/windows";

describe("AWS Backup schedules", () => {
    it("fires daily at the given time, every day of the week", () => {
        const s = parseSchedule("cron(0 7 ? * * *)");
        assert.deepStrictEqual(s.firings, [0, 1, 2, 3, 4, 5, 6].map((d) => d * MINUTES_PER_DAY + 7 * 60));
        assert.strictEqual(longestGapMinutes(s), MINUTES_PER_DAY);
    });

    it("expands steps and measures the gap across midnight", () => {
        const s = parseSchedule("cron(0 1/6 ? * * *)");
        assert.deepStrictEqual(s.firings.slice(0, 4), [60, 420, 780, 1140]);
        assert.strictEqual(longestGapMinutes(s), 360);
    });

    it("takes uneven lists: the longest gap is the one that counts", () => {
        assert.strictEqual(longestGapMinutes(parseSchedule("cron(0 2,6 ? * * *)")), 20 * 60);
    });

    it("numbers days from Sunday = 1 as AWS does, and accepts names", () => {
        // Sunday 05:00 is minute 6 * 1440 + 300 in a week that starts on Monday.
        assert.deepStrictEqual(parseSchedule("cron(0 5 ? * 1 *)").firings, [6 * MINUTES_PER_DAY + 300]);
        assert.deepStrictEqual(parseSchedule("cron(0 5 ? * SUN *)").firings, [6 * MINUTES_PER_DAY + 300]);
        assert.deepStrictEqual(parseSchedule("cron(0 5 ? * MON-FRI *)").firings.length, 5);
        assert.strictEqual(longestGapMinutes(parseSchedule("cron(0 5 ? * MON-FRI *)")), 3 * MINUTES_PER_DAY);
    });

    it("measures a weekly schedule's gap as a week", () => {
        assert.strictEqual(longestGapMinutes(parseSchedule("cron(30 3 ? * SAT *)")), 7 * MINUTES_PER_DAY);
    });

    for (const bad of ["0 7 * * ? *", "cron(0 7 ? * *)", "cron(0 25 ? * * *)", "cron(61 7 ? * * *)", "cron(0 7 1 * ? *)", "cron(0 7 ? 1 * *)", "cron(0 7 ? * FUNDAY *)", "cron(0 9-7 ? * * *)"]) {
        it(`rejects "${bad}" saying what is allowed`, () => {
            assert.throws(() => parseSchedule(bad), (e: Error) => e instanceof ScheduleFormatError && e.message.includes(`"${bad}"`));
        });
    }
});
