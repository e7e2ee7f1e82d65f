using System.Diagnostics;
using Dbops.Contract;
using Dbops.Verify;
using Dbops.Verify.Net;
using Dbops.Verify.Redis;

namespace Dbops.Tests.Verify;

/// <summary>The Redis checks against servers that are wrong in ways the healthy setup cannot show: plaintext where TLS is required, silence.</summary>
public sealed class RedisFailureTests
{
    /// <summary>The default per-check timeout: what the old checks waited out before they said only "timed out".</summary>
    private static readonly TimeSpan CheckTimeout = new VerifySettings().CheckTimeout;

    private static async Task<IReadOnlyList<CheckResult>> RunAsync(int port, string token, TimeSpan? timeout = null)
    {
        var limit = timeout ?? CheckTimeout;
        var target = new RedisTarget("127.0.0.1", null, port, new Secret(token), 0, TlsRequired: true, "arn:x");
        await using var endpoint = new RedisEndpoint(target, "primary", "127.0.0.1", new TlsClient(new CertificateTrust(null)), limit);
        ICheck[] checks =
        [
            new RedisTlsCheck(endpoint), new RedisPlaintextRefusedCheck(endpoint), new RedisAuthCheck(endpoint),
            new RedisPingCheck(endpoint, new VerifySettings()), new RedisReplicationCheck(endpoint),
        ];
        return (await new CheckRunner(new RunLimits(limit, limit * 2)).RunAsync(checks, CancellationToken.None)).Results;
    }

    [Fact]
    public async Task Plaintext_redis_where_tls_is_required_fails_every_check_in_under_2_s_saying_so()
    {
        using var redis = new PlaintextRedis();
        var clock = Stopwatch.StartNew();

        var results = await RunAsync(redis.Port, PlaintextRedis.Token);

        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(2), $"took {clock.Elapsed}");
        Assert.All(results, r => Assert.Equal(CheckStatus.Fail, r.Status));
        Assert.Equal("TLS is not enforced: a plaintext PING was answered with NOAUTH", results.Single(r => r.Check == "redis.primary.plaintext-refused").Message);
        foreach (var id in new[] { "tls", "auth", "ping", "replication" })
        {
            var r = results.Single(x => x.Check == $"redis.primary.{id}");
            Assert.Equal($"primary 127.0.0.1:{redis.Port}: the server speaks plaintext Redis where the contract requires TLS (redis.tlsRequired): " +
                         "a plaintext PING was answered with NOAUTH, so a TLS handshake gets no answer (is in-transit encryption enabled on the cache?)", r.Message);
        }
    }

    [Fact]
    public async Task A_silent_host_fails_plaintext_refused_and_nothing_passes()
    {
        using var silent = new SilentHost();

        var results = await RunAsync(silent.Port, "any-token", TimeSpan.FromSeconds(3));

        Assert.All(results, r => Assert.Equal(CheckStatus.Fail, r.Status));
        var plaintext = results.Single(r => r.Check == "redis.primary.plaintext-refused");
        Assert.StartsWith("a plaintext PING got no reply within 1 s and the connection stayed open", plaintext.Message);
        // The probe's own wait, not the check timeout. The wait is a timer, which may fire up to a clock tick before the
        // check's Stopwatch says a second has passed (CI measured 0.998 s), so the lower bound allows 50 ms.
        Assert.InRange(plaintext.Duration, RedisPlaintextProbe.ReplyWait - TimeSpan.FromMilliseconds(50), RedisPlaintextProbe.ReplyWait + TimeSpan.FromSeconds(3));
        // The rest are bounded by the check timeout (3 s here).
        Assert.All(results, r => Assert.True(r.Duration < TimeSpan.FromSeconds(4), $"{r.Check} took {r.Duration}"));
        Assert.True(silent.Accepted >= 2, "the checks got through to the host");
    }
}
