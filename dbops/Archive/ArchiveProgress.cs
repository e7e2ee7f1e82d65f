using System.Diagnostics;
using System.Globalization;

namespace Dbops.Archive;

/// <summary>One line per batch on the progress stream: how far, how fast, how long still.</summary>
internal sealed class ArchiveProgress(long totalRuns, int totalExperiments, TextWriter output)
{
    private readonly Stopwatch clock = Stopwatch.StartNew();

    public long Runs { get; private set; }
    public long Rows { get; private set; }
    public int Experiments { get; private set; }
    public int Batches { get; private set; }
    public TimeSpan Elapsed => clock.Elapsed;

    public void Batch(long runs, long rows, int experiments)
    {
        Runs += runs;
        Rows += rows;
        Experiments += experiments;
        Batches++;
        var seconds = Math.Max(clock.Elapsed.TotalSeconds, 0.001);
        var runRate = Runs / seconds;
        var eta = runRate > 0 ? TimeSpan.FromSeconds((totalRuns - Runs) / runRate) : TimeSpan.Zero;
        var share = totalRuns == 0 ? 100 : 100.0 * Runs / totalRuns;
        output.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"dbops archive: batch {Batches}: {Runs:N0}/{totalRuns:N0} runs ({share:0.0} %), {Experiments:N0}/{totalExperiments:N0} experiments, {Rows:N0} rows, {Rows / seconds:N0} rows/s, ETA {eta:m\\:ss}"));
    }
}
