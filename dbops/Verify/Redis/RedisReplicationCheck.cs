using System.Globalization;

namespace Dbops.Verify.Redis;

/// <summary>
/// INFO replication shows the primary as master with the declared replicas online, and the
/// reader endpoint as a replica whose link to the primary is up.
/// </summary>
public sealed class RedisReplicationCheck(RedisEndpoint endpoint) : RedisCheck(endpoint)
{
    protected override string Name => "replication";

    protected override async Task<CheckResult> CheckAsync(CancellationToken ct)
    {
        var server = await Endpoint.ServerAsync(ct);
        var info = Parse(await server.InfoRawAsync("replication").WaitAsync(ct) ?? "");
        var role = info.GetValueOrDefault("role", "?");
        return Endpoint.Role == "primary" ? Primary(role, info) : Reader(role, info);
    }

    private CheckResult Primary(string role, Dictionary<string, string> info)
    {
        if (role != "master") return CheckResult.Fail($"the primary endpoint reaches a {role}, not a master");
        var replicas = info.Where(kv => kv.Key.StartsWith("slave", StringComparison.Ordinal) && char.IsDigit(kv.Key[^1]))
            .Select(kv => Fields(kv.Value)).ToList();
        var online = replicas.Count(r => r.GetValueOrDefault("state") == "online");
        var maxLag = replicas.Select(r => long.TryParse(r.GetValueOrDefault("lag"), CultureInfo.InvariantCulture, out var l) ? l : 0).DefaultIfEmpty(0).Max();
        var expected = Endpoint.Target.Replicas;
        var data = Data(("role", role), ("replicas", replicas.Count), ("online", online), ("expected", expected), ("maxLagSeconds", maxLag));
        var summary = $"master with {online} online replica(s) of {replicas.Count} (expected {expected}), max lag {maxLag} s";
        if (online < expected) return CheckResult.Fail($"missing replicas: {summary}", data);
        if (online > expected) return CheckResult.Warn($"more replicas than declared: {summary}", data);
        return CheckResult.Pass(summary, data);
    }

    private CheckResult Reader(string role, Dictionary<string, string> info)
    {
        var link = info.GetValueOrDefault("master_link_status", "?");
        var data = Data(("role", role), ("masterLinkStatus", link));
        if (role != "slave") return CheckResult.Fail($"the {Endpoint.Role} endpoint reaches a {role}, not a replica", data);
        return link == "up"
            ? CheckResult.Pass("replica with its link to the primary up", data)
            : CheckResult.Fail($"replica whose link to the primary is {link}", data);
    }

    /// <summary>INFO's "key:value" lines.</summary>
    internal static Dictionary<string, string> Parse(string text) =>
        text.Split('\n', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries)
            .Where(l => !l.StartsWith('#') && l.Contains(':'))
            .Select(l => l.Split(':', 2))
            .ToDictionary(p => p[0], p => p[1], StringComparer.Ordinal);

    /// <summary>A replica line's "ip=...,port=...,state=online" fields.</summary>
    private static Dictionary<string, string> Fields(string value) =>
        value.Split(',').Select(f => f.Split('=', 2)).Where(p => p.Length == 2).ToDictionary(p => p[0], p => p[1], StringComparer.Ordinal);
}
