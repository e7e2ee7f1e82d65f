using System.Diagnostics;

namespace Dbops.Verify.Redis;

/// <summary>Round-trip latency of PING on an authenticated connection, several times to show the spread.</summary>
public sealed class RedisPingCheck(RedisEndpoint endpoint, VerifySettings settings) : RedisCheck(endpoint)
{
    protected override string Name => "ping";

    private const int Pings = 5;

    protected override async Task<CheckResult> CheckAsync(CancellationToken ct)
    {
        var server = await Endpoint.ServerAsync(ct);
        // One unmeasured round trip first: the first command pays for code loading, not for the network.
        await server.ExecuteAsync("PING").WaitAsync(ct);
        var times = new List<double>();
        for (var i = 0; i < Pings; i++)
        {
            var clock = Stopwatch.StartNew();
            var reply = await server.ExecuteAsync("PING").WaitAsync(ct);
            times.Add(clock.Elapsed.TotalMilliseconds);
            if (reply.ToString() != "PONG") return CheckResult.Fail($"PING answered {reply} instead of PONG");
        }
        times.Sort();
        var median = times[Pings / 2];
        var limit = settings.RedisPingWarn.TotalMilliseconds;
        var data = Data(("medianMs", Math.Round(median, 3)), ("maxMs", Math.Round(times[^1], 3)), ("warnMs", limit));
        var summary = $"PING median {median:0.###} ms, max {times[^1]:0.###} ms over {Pings}";
        return median >= limit ? CheckResult.Warn($"{summary} (at or above {limit:0} ms)", data) : CheckResult.Pass(summary, data);
    }
}
