using Dbops.Verify;

namespace Dbops.Tests.Verify;

[Collection(LocalStoresCollection.Name)]
public class HealthySetupTests(LocalStores stores)
{
    /// <summary>What a plain PostgreSQL without Aurora or DocumentDB cannot show.</summary>
    private static readonly Dictionary<string, string> ExpectedSkips = new()
    {
        ["postgres.writer.aurora-replicas"] = "aurora_replica_status() does not exist",
        ["documentdb"] = "no documentdb section",
    };

    [Fact]
    public async Task Every_check_passes_on_the_healthy_local_setup()
    {
        var results = await stores.VerifyAsync();

        foreach (var r in results)
        {
            if (ExpectedSkips.TryGetValue(r.Check, out var reason))
            {
                Assert.Equal(CheckStatus.Skip, r.Status);
                Assert.Contains(reason, r.Message);
            }
            else
            {
                Assert.True(r.Status == CheckStatus.Pass, $"{r.Check}: {r.Status} {r.Message}");
            }
        }
        // Both endpoints of both stores were checked.
        Assert.Contains(results, r => r.Check == "postgres.reader.role");
        Assert.Contains(results, r => r.Check == "redis.reader.replication");
        Assert.Equal(results.Count, results.Select(r => r.Check).Distinct().Count());
    }

    [Fact]
    public async Task The_session_is_really_encrypted_and_plaintext_really_refused()
    {
        var results = await stores.VerifyAsync(only: Categories.PostgresTls);

        var tls = LocalStores.Single(results, "postgres.writer.tls");
        Assert.Equal(true, tls.Data["encrypted"]);
        Assert.StartsWith("TLSv1.", (string)tls.Data["protocol"]!);
        Assert.Contains("no encryption", LocalStores.Single(results, "postgres.writer.plaintext-refused").Message);
    }

    [Fact]
    public async Task The_query_slo_reports_measured_figures_for_each_shape()
    {
        var slo = LocalStores.Single(await stores.VerifyAsync(only: Categories.PostgresSlo), "postgres.writer.query-slo");

        Assert.Equal(CheckStatus.Pass, slo.Status);
        foreach (var shape in new[] { "search-runs-ms", "search-runs-by-metric-ms", "metric-history-ms" })
        {
            var ms = Assert.IsType<double>(slo.Data[shape]);
            Assert.InRange(ms, 0.0001, 1000);
        }
        // The seed's busiest experiment: 10,000 runs, 1 in 100 soft-deleted.
        Assert.Equal(9900L, slo.Data["experimentRuns"]);
    }

    [Fact]
    public async Task Redis_replication_and_latency_are_measured()
    {
        var results = await stores.VerifyAsync(only: Categories.Redis);

        var replication = LocalStores.Single(results, "redis.primary.replication");
        Assert.Equal(1, replication.Data["online"]);
        var ping = LocalStores.Single(results, "redis.primary.ping");
        Assert.InRange((double)ping.Data["medianMs"]!, 0.0001, 50);
    }
}
