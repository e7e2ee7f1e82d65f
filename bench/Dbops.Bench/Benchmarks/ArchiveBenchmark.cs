using System.Diagnostics;
using Dbops.Archive;
using Dbops.Data;

namespace Dbops.Bench.Benchmarks;

public sealed record ArchiveFigures(long Experiments, long Runs, long Rows, TimeSpan Took, TimeSpan DryRun, int Batches, int BatchSize, bool Reconciled);

/// <summary>Times <c>dbops archive --older-than 90d</c> as the command runs it: the dry run's counting, then the move with its reconciliation.</summary>
public static class ArchiveBenchmark
{
    public static async Task<ArchiveFigures> RunAsync(DatabaseTarget target, TextWriter progress, CancellationToken ct)
    {
        var settings = new ArchiveSettings();
        await using var ds = target.OpenDataSource("dbops-bench archive", maxPoolSize: 2);
        var dry = Stopwatch.StartNew();
        var plan = await new Archiver(ds, settings with { DryRun = true }, progress).RunAsync(ct);
        dry.Stop();
        // A schema the archive cannot place (its dry run names why): nothing to time.
        if (plan.Problems.Count > 0) throw new OpsException(string.Join('\n', plan.Problems));
        var total = Stopwatch.StartNew();
        var outcome = await new Archiver(ds, settings, progress).RunAsync(ct);
        total.Stop();
        return new ArchiveFigures(outcome.ExperimentsArchived, outcome.Candidates.Runs, outcome.RowsMoved, total.Elapsed, dry.Elapsed,
            outcome.Batches, settings.BatchRuns, outcome.Reconciled);
    }
}
