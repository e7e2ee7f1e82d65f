namespace Dbops.Bench.Workload;

/// <summary>
/// SplitMix64: small, fast, and the same sequence on every runtime and version, which
/// System.Random does not promise. Each run gets its own stream, derived from the seed and
/// the run's index, so the data does not depend on the order it is generated in.
/// </summary>
public struct Rng(ulong seed)
{
    private ulong state = seed;

    public static Rng For(int seed, string stream, long index) =>
        new(Mix(((ulong)(uint)seed * 0x9E3779B97F4A7C15UL) ^ Mix(StableHash(stream)) ^ Mix((ulong)index + 0x632BE59BD9B4E019UL)));

    public ulong NextULong()
    {
        state += 0x9E3779B97F4A7C15UL;
        return Mix(state);
    }

    /// <summary>Uniform in [0, 1).</summary>
    public double NextDouble() => (NextULong() >> 11) * (1.0 / (1UL << 53));

    /// <summary>Uniform in [min, max).</summary>
    public long Next(long min, long max) => min + (long)(NextDouble() * (max - min));

    public int Next(int max) => (int)(NextDouble() * max);

    public bool Chance(double p) => NextDouble() < p;

    public T Pick<T>(IReadOnlyList<T> items) => items[Next(items.Count)];

    /// <summary>Standard normal (Box-Muller).</summary>
    public double Normal()
    {
        var u1 = 1.0 - NextDouble();
        var u2 = NextDouble();
        return Math.Sqrt(-2.0 * Math.Log(u1)) * Math.Cos(2.0 * Math.PI * u2);
    }

    /// <summary>32 lowercase hex digits, as MLflow's run ids (uuid4().hex).</summary>
    public string Hex32() => $"{NextULong():x16}{NextULong():x16}";

    public string Hex(int digits) => Hex32()[..digits];

    private static ulong Mix(ulong z)
    {
        z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL;
        z = (z ^ (z >> 27)) * 0x94D049BB133111EBUL;
        return z ^ (z >> 31);
    }

    /// <summary>string.GetHashCode is randomised per process; this is not.</summary>
    private static ulong StableHash(string s)
    {
        var h = 1469598103934665603UL;
        foreach (var c in s) h = (h ^ c) * 1099511628211UL;
        return h;
    }
}
