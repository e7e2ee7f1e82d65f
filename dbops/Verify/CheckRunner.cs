using Dbops.Output;
using System.Diagnostics;

namespace Dbops.Verify;

/// <summary>How long checks may take.</summary>
public sealed record RunLimits(TimeSpan PerCheck, TimeSpan Overall);

/// <summary>All results of one run, in the order the checks were given, and the run's wall time.</summary>
public sealed record VerificationReport(IReadOnlyList<CheckResult> Results, TimeSpan Elapsed)
{
    public bool Failed => Results.Any(r => r.Status == CheckStatus.Fail);

    public int Count(CheckStatus status) => Results.Count(r => r.Status == status);
}

/// <summary>
/// Runs checks concurrently, each under its own timeout and all under the overall one.
/// A check that overruns, throws or is cancelled becomes a failed result; the run always
/// returns a result for every check, on time, even if a check ignores its token.
/// </summary>
public sealed class CheckRunner(RunLimits limits)
{
    public async Task<VerificationReport> RunAsync(IReadOnlyList<ICheck> checks, CancellationToken cancellationToken)
    {
        var clock = Stopwatch.StartNew();
        using var overall = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        overall.CancelAfter(limits.Overall);
        var results = await Task.WhenAll(checks.Select(c => RunOneAsync(c, overall.Token, cancellationToken)));
        return new VerificationReport(results, clock.Elapsed);
    }

    private async Task<CheckResult> RunOneAsync(ICheck check, CancellationToken overall, CancellationToken caller)
    {
        var clock = Stopwatch.StartNew();
        var started = RunTimings.Begin();
        using var own = CancellationTokenSource.CreateLinkedTokenSource(overall);
        own.CancelAfter(limits.PerCheck);
        // Task.Run: a check that blocks before its first await must not hold up the others.
        var work = Task.Run(() => check.RunAsync(own.Token), CancellationToken.None);
        var deadline = Task.Delay(Timeout.Infinite, own.Token);
        var first = await Task.WhenAny(work, deadline).ConfigureAwait(false);

        CheckResult result;
        if (first == work && !work.IsCanceled && !(work.IsFaulted && own.IsCancellationRequested))
        {
            result = work.IsFaulted ? Crashed(work.Exception!.GetBaseException()) : work.Result;
        }
        else
        {
            // Observe the abandoned task's eventual exception so it is not raised as unobserved.
            _ = work.ContinueWith(t => t.Exception, TaskScheduler.Default);
            result = CheckResult.Fail(WhyStopped(caller, overall));
        }
        RunTimings.End(started, $"check {check.Id}");
        return result with { Check = check.Id, Category = check.Category, Duration = clock.Elapsed };
    }

    private string WhyStopped(CancellationToken caller, CancellationToken overall)
    {
        if (caller.IsCancellationRequested) return "cancelled before it finished";
        if (overall.IsCancellationRequested) return $"not finished within the overall timeout of {Seconds(limits.Overall)}";
        return $"timed out after {Seconds(limits.PerCheck)}";
    }

    private static CheckResult Crashed(Exception e) =>
        CheckResult.Fail($"the check itself failed: {e.GetType().Name}: {e.Message}");

    internal static string Seconds(TimeSpan t) =>
        t.TotalSeconds >= 1 ? $"{t.TotalSeconds:0.##} s" : $"{t.TotalMilliseconds:0} ms";
}
