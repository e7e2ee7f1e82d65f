using Dbops.Ops;

namespace Dbops.Bench.Benchmarks;

public sealed record ArchiveFigures(long Experiments, long Runs, long Rows, TimeSpan Took, TimeSpan DryRun, int Batches, int BatchSize, bool Reconciled);

public static class ArchiveBenchmark
{
    public static Task<ArchiveFigures?> RunAsync(DatabaseTarget target, TextWriter progress, CancellationToken ct) => Task.FromResult<ArchiveFigures?>(null);
}
