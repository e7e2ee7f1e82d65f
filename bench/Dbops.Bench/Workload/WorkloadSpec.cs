namespace Dbops.Bench.Workload;

/// <summary>
/// The scale and shape of a synthetic MLflow workload. The same spec (seed and now included)
/// gives the same rows, byte for byte.
/// </summary>
public sealed record WorkloadSpec
{
    public int Seed { get; init; } = 42;

    public int Runs { get; init; } = 10_000;

    /// <summary>Experiments; 0: one per 200 runs (at least 5).</summary>
    public int Experiments { get; init; }

    /// <summary>Metric rows aimed at (the result is within a few percent); 0: 100 per run.</summary>
    public long MetricRows { get; init; }

    /// <summary>"Now" in epoch milliseconds: timestamps are laid out relative to it.</summary>
    public long NowMs { get; init; } = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds();

    /// <summary>Share of the runs that belong to experiments idle for longer than the window.</summary>
    public double StaleFraction { get; init; } = 1.0 / 3;

    public int WindowDays { get; init; } = 90;

    /// <summary>Share of runs soft-deleted (lifecycle_stage 'deleted'), waiting for mlflow gc.</summary>
    public double DeletedRunFraction { get; init; } = 0.03;

    /// <summary>Experiment sizes follow a Zipf law: a few experiments hold most runs, as sweeps do.</summary>
    public double ZipfExponent { get; init; } = 1.0;

    public int ExperimentCount => Experiments > 0 ? Experiments : Math.Max(5, Runs / 200);

    public long MetricRowTarget => MetricRows > 0 ? MetricRows : Runs * 100L;

    public const long DayMs = 86_400_000L;
}
