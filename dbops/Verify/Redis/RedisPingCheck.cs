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
        var first = await server.ExecuteAsync("PING").WaitAsync(ct);
        if (first.ToString() != "PONG") return CheckResult.Fail($"PING answered {first} instead of PONG");
        var times = new List<double>();
        for (var i = 0; i < Pings; i++)
        {
            // The driver's own measure, from the write to the reply read off the socket: what the cache costs a
            // client, without the hop from the driver's reader to this check, which on a busy machine was most of it.
            var latency = await server.PingAsync().WaitAsync(ct);
            times.Add(latency.TotalMilliseconds);
        }
        times.Sort();
        var median = times[Pings / 2];
        var limit = settings.RedisPingWarn.TotalMilliseconds;
        var data = Data(("medianMs", Math.Round(median, 3)), ("maxMs", Math.Round(times[^1], 3)), ("warnMs", limit));
        var summary = $"PING median {median:0.###} ms, max {times[^1]:0.###} ms over {Pings}";
        return median >= limit ? CheckResult.Warn($"{summary} (at or above {limit:0} ms)", data) : CheckResult.Pass(summary, data);
    }
}
