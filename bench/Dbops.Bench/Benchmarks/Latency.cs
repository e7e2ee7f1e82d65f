namespace Dbops.Bench.Benchmarks;

/// <summary>
/// Latencies of one shape in one phase, in milliseconds: its (main) statement, and for an MLflow
/// call with follow-up statements the whole call's SQL (<see cref="Calls"/>).
/// </summary>
public sealed record Latency(string Shape, IReadOnlyList<double> Samples, IReadOnlyList<double>? Calls = null)
{
    public double P50 => Percentile(Samples, 0.50);
    public double P95 => Percentile(Samples, 0.95);
    public double? CallP50 => Calls is null ? null : Percentile(Calls, 0.50);
    public double? CallP95 => Calls is null ? null : Percentile(Calls, 0.95);

    public double Percentile(double p) => Percentile(Samples, p);

    /// <summary>Nearest-rank percentile: a value that was really observed.</summary>
    public static double Percentile(IReadOnlyList<double> samples, double p)
    {
        var sorted = samples.Order().ToArray();
        var rank = (int)Math.Ceiling(p * sorted.Length);
        return sorted[Math.Clamp(rank - 1, 0, sorted.Length - 1)];
    }
}
