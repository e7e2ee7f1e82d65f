using Dbops.Verify;
using Moq;

namespace Dbops.Tests.Verify;

/// <summary>The orchestration: concurrency, per-check and overall timeouts, crashes and cancellation, with mocked checks.</summary>
public class CheckRunnerTests
{
    private static Mock<ICheck> Check(string id, Func<CancellationToken, Task<CheckResult>> run)
    {
        var check = new Mock<ICheck>(MockBehavior.Strict);
        check.SetupGet(c => c.Id).Returns(id);
        check.SetupGet(c => c.Category).Returns(Categories.PostgresHealth);
        check.Setup(c => c.RunAsync(It.IsAny<CancellationToken>())).Returns(run);
        return check;
    }

    private static CheckRunner Runner(double perCheckSeconds = 5, double overallSeconds = 10) =>
        new(new RunLimits(TimeSpan.FromSeconds(perCheckSeconds), TimeSpan.FromSeconds(overallSeconds)));

    [Fact]
    public async Task Checks_run_concurrently()
    {
        // Each check waits until both have started: run one after the other, neither could finish.
        var started = 0;
        var both = new TaskCompletionSource();
        async Task<CheckResult> WaitForTheOther(CancellationToken ct)
        {
            if (Interlocked.Increment(ref started) == 2) both.SetResult();
            await both.Task.WaitAsync(ct);
            return CheckResult.Pass("both running");
        }
        var checks = new[] { Check("a", WaitForTheOther), Check("b", WaitForTheOther) };

        var report = await Runner(perCheckSeconds: 5).RunAsync(checks.Select(c => c.Object).ToArray(), CancellationToken.None);

        Assert.All(report.Results, r => Assert.Equal(CheckStatus.Pass, r.Status));
    }

    [Fact]
    public async Task Results_carry_the_check_id_category_and_a_duration_in_input_order()
    {
        var checks = new[]
        {
            Check("slow", async ct => { await Task.Delay(50, ct); return CheckResult.Warn("w"); }),
            Check("fast", _ => Task.FromResult(CheckResult.Pass("p"))),
        };

        var report = await Runner().RunAsync(checks.Select(c => c.Object).ToArray(), CancellationToken.None);

        Assert.Equal(new[] { "slow", "fast" }, report.Results.Select(r => r.Check));
        Assert.All(report.Results, r => Assert.Equal(Categories.PostgresHealth, r.Category));
        Assert.True(report.Results[0].Duration >= TimeSpan.FromMilliseconds(40));
        Assert.False(report.Failed);
        checks[0].Verify(c => c.RunAsync(It.IsAny<CancellationToken>()), Times.Once);
    }

    [Fact]
    public async Task A_check_that_overruns_its_timeout_fails_and_the_others_still_report()
    {
        CancellationToken seen = default;
        var hung = Check("hung", async ct => { seen = ct; await Task.Delay(Timeout.Infinite, ct); return CheckResult.Pass("never"); });
        var fine = Check("fine", _ => Task.FromResult(CheckResult.Pass("ok")));

        // Long enough that the instant check never overruns it on a loaded machine (0.2 s once did in CI-like runs).
        var report = await Runner(perCheckSeconds: 1).RunAsync([hung.Object, fine.Object], CancellationToken.None);

        Assert.Equal(CheckStatus.Fail, report.Results[0].Status);
        Assert.Equal("timed out after 1 s", report.Results[0].Message);
        Assert.True(seen.IsCancellationRequested, "the check's token is cancelled at its timeout");
        Assert.Equal(CheckStatus.Pass, report.Results[1].Status);
    }

    [Fact]
    public async Task A_check_that_ignores_its_token_is_abandoned_at_the_timeout()
    {
        var release = new TaskCompletionSource<CheckResult>();
        var stubborn = Check("stubborn", _ => release.Task);

        var report = await Runner(perCheckSeconds: 0.1).RunAsync([stubborn.Object], CancellationToken.None);
        release.SetResult(CheckResult.Pass("too late"));

        Assert.Equal("timed out after 100 ms", report.Results[0].Message);
    }

    [Fact]
    public async Task A_check_that_blocks_synchronously_does_not_hold_up_the_others()
    {
        using var gate = new ManualResetEventSlim();
        var blocking = Check("blocking", _ => { gate.Wait(TimeSpan.FromSeconds(5)); return Task.FromResult(CheckResult.Pass("late")); });
        var other = Check("other", _ => { gate.Set(); return Task.FromResult(CheckResult.Pass("ok")); });

        var report = await Runner().RunAsync([blocking.Object, other.Object], CancellationToken.None);

        Assert.All(report.Results, r => Assert.Equal(CheckStatus.Pass, r.Status));
    }

    [Fact]
    public async Task A_check_that_throws_fails_with_the_exception_and_does_not_stop_the_run()
    {
        var broken = Check("broken", _ => throw new InvalidOperationException("boom"));
        var fine = Check("fine", _ => Task.FromResult(CheckResult.Pass("ok")));

        var report = await Runner().RunAsync([broken.Object, fine.Object], CancellationToken.None);

        Assert.Equal("the check itself failed: InvalidOperationException: boom", report.Results[0].Message);
        Assert.Equal(CheckStatus.Pass, report.Results[1].Status);
        Assert.True(report.Failed);
    }

    [Fact]
    public async Task The_overall_timeout_bounds_the_run()
    {
        var slow = Check("slow", async ct => { await Task.Delay(Timeout.Infinite, ct); return CheckResult.Pass("never"); });

        var report = await Runner(perCheckSeconds: 30, overallSeconds: 0.2).RunAsync([slow.Object], CancellationToken.None);

        Assert.Equal("not finished within the overall timeout of 200 ms", report.Results[0].Message);
    }

    [Fact]
    public async Task Cancellation_reports_unfinished_checks_as_cancelled()
    {
        using var cancel = new CancellationTokenSource();
        var waiting = Check("waiting", async ct => { await Task.Delay(Timeout.Infinite, ct); return CheckResult.Pass("never"); });
        var done = Check("done", _ => { cancel.CancelAfter(50); return Task.FromResult(CheckResult.Pass("ok")); });

        var report = await Runner().RunAsync([waiting.Object, done.Object], cancel.Token);

        Assert.Equal("cancelled before it finished", report.Results[0].Message);
        Assert.Equal(CheckStatus.Fail, report.Results[0].Status);
        Assert.Equal(CheckStatus.Pass, report.Results[1].Status);
    }

    [Fact]
    public void Selectors_match_a_category_and_everything_below_it()
    {
        Assert.True(Categories.Matches("postgres", Categories.PostgresSchema));
        Assert.True(Categories.Matches("postgres.schema", Categories.PostgresSchema));
        Assert.False(Categories.Matches("postgres.s", Categories.PostgresSchema));
        Assert.False(Categories.Matches("redis", Categories.PostgresSchema));
        Assert.Equal(["postgres", "redis", "documentdb", "postgres.tls", "postgres.server", "postgres.health", "postgres.schema", "postgres.slo"], Categories.Selectors);
    }
}
