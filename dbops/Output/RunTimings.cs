using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;

namespace Dbops.Output;

/// <summary>
/// Where a <c>dbops verify</c> process spends its time, printed to stderr when
/// <c>DBOPS_TIMINGS=1</c>: the runtime's start before <c>Main</c>, the phases of the run, each
/// connection the drivers open and each check's own work, and what the JIT compiled. It exists for
/// <c>make bench</c> and for anyone asking why a run is slow; off, it costs one flag read per span.
/// The report goes to stderr so that stdout stays the verify report (JSON stays parseable).
/// </summary>
public static class RunTimings
{
    /// <summary>Set by <c>DBOPS_TIMINGS=1</c>; read once, before anything is timed.</summary>
    public static readonly bool Enabled = Environment.GetEnvironmentVariable("DBOPS_TIMINGS") == "1";

    private static readonly long MainTicks = Stopwatch.GetTimestamp();
    private static readonly ConcurrentQueue<(string Name, long Start, long End)> Spans = new();
    private static readonly ConcurrentQueue<(string Name, long At)> Marks = new();

    /// <summary>Fixes the origin of every span: call first thing in <c>Main</c>.</summary>
    public static void Start()
    {
        _ = MainTicks;
        if (Enabled) Mark("main entered");
    }

    public static void Mark(string name)
    {
        if (Enabled) Marks.Enqueue((name, Stopwatch.GetTimestamp()));
    }

    /// <summary>A timestamp to pass to <see cref="End"/>; 0 when timings are off.</summary>
    public static long Begin() => Enabled ? Stopwatch.GetTimestamp() : 0;

    public static void End(long started, string name)
    {
        if (Enabled) Spans.Enqueue((name, started, Stopwatch.GetTimestamp()));
    }

    /// <summary>The report, to stderr. Milliseconds since <c>Main</c> was entered.</summary>
    public static void Print(TextWriter error)
    {
        if (!Enabled) return;
        var w = new StringWriter(CultureInfo.InvariantCulture);
        w.WriteLine("dbops timings (DBOPS_TIMINGS=1), ms since Main was entered:");
        if (SinceProcessStart() is { } beforeMain) w.WriteLine($"  {"runtime start, before Main",-58} {beforeMain,9:0.0}");
        foreach (var (name, at) in Marks) w.WriteLine($"  {name,-58} {Ms(MainTicks, at),9:0.0}");
        w.WriteLine($"  {"span",-58} {"start",9} {"took",9}");
        foreach (var (name, start, end) in Spans.OrderBy(s => s.Start))
        {
            w.WriteLine($"  {name,-58} {Ms(MainTicks, start),9:0.0} {Ms(start, end),9:0.0}");
        }
        w.WriteLine($"  JIT: {System.Runtime.JitInfo.GetCompiledMethodCount()} methods in {System.Runtime.JitInfo.GetCompilationTime().TotalMilliseconds:0.0} ms"
                    + $"; GCs {GC.CollectionCount(0)}; thread pool threads {ThreadPool.ThreadCount}; lock contentions {Monitor.LockContentionCount}");
        var cpu = Process.GetCurrentProcess();
        w.WriteLine($"  CPU so far: user {cpu.UserProcessorTime.TotalMilliseconds:0} ms, system {cpu.PrivilegedProcessorTime.TotalMilliseconds:0} ms");
        error.Write(w.ToString());
        error.Flush();
    }

    /// <summary>
    /// Time from the process's start to <c>Main</c>: from <c>DBOPS_TIMINGS_T0</c> (the launcher's
    /// clock, nanoseconds since the Unix epoch, as <c>date +%s%N</c> prints it) where given, else
    /// from the process's start time, which Linux keeps in clock ticks (10 ms).
    /// </summary>
    private static double? SinceProcessStart()
    {
        var mainAt = DateTime.UtcNow - Stopwatch.GetElapsedTime(MainTicks);
        if (long.TryParse(Environment.GetEnvironmentVariable("DBOPS_TIMINGS_T0"), NumberStyles.None, CultureInfo.InvariantCulture, out var ns))
        {
            return (mainAt - DateTime.UnixEpoch.AddTicks(ns / 100)).TotalMilliseconds;
        }
        try
        {
            return (mainAt - Process.GetCurrentProcess().StartTime.ToUniversalTime()).TotalMilliseconds;
        }
        catch (Exception e) when (e is InvalidOperationException or NotSupportedException)
        {
            return null;
        }
    }

    private static double Ms(long from, long to) => Stopwatch.GetElapsedTime(from, to).TotalMilliseconds;
}
