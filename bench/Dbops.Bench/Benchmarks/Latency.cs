namespace Dbops.Bench.Benchmarks;

/// <summary>Latencies of one shape in one phase, in milliseconds.</summary>
public sealed record Latency(string Shape, IReadOnlyList<double> Samples)
{
    public double P50 => Percentile(0.50);
    public double P95 => Percentile(0.95);

    /// <summary>Nearest-rank percentile: a value that was really observed.</summary>
    public double Percentile(double p)
    {
        var sorted = Samples.Order().ToArray();
        var rank = (int)Math.Ceiling(p * sorted.Length);
        return sorted[Math.Clamp(rank - 1, 0, sorted.Length - 1)];
    }
}
