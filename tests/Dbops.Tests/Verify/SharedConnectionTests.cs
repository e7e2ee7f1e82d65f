using Dbops.Migrate;
using Dbops.Verify;

namespace Dbops.Tests.Verify;

/// <summary>
/// Issue 20: the checks of one PostgreSQL endpoint share one connection, the checks run concurrently,
/// and neither changes what the report says or its order. Against the loopback stores.
/// </summary>
[Collection(LocalStoresCollection.Name)]
public class SharedConnectionTests(LocalStores stores)
{
    private CheckRunner Runner => new(new RunLimits(stores.Settings.CheckTimeout, stores.Settings.OverallTimeout));

    [Fact]
    public async Task The_checks_of_one_postgres_endpoint_open_one_server_backend_between_them()
    {
        await using var plan = new CheckPlan(stores.Contract, stores.Settings, PlatformMigrations.Embedded());
        var report = await Runner.RunAsync(plan.Checks, CancellationToken.None);

        Assert.Equal(["writer", "reader"], plan.PostgresEndpoints.Select(e => e.Role));
        foreach (var endpoint in plan.PostgresEndpoints)
        {
            // The checks that query through the endpoint's pool (plaintext-refused opens its own, unencrypted attempt).
            var pooled = report.Results.Count(r => r.Check.StartsWith($"postgres.{endpoint.Role}.", StringComparison.Ordinal)
                                                   && r.Check != $"postgres.{endpoint.Role}.plaintext-refused"
                                                   && r.Status != CheckStatus.Skip);
            Assert.True(pooled >= 4, $"{endpoint.Role}: only {pooled} checks used the pool");
            var backend = Assert.Single(endpoint.OpenedBackends);
            Assert.True(backend > 0, $"{endpoint.Role}: backend pid {backend}");
        }
    }

    [Fact]
    public async Task Run_concurrently_the_checks_report_what_they_report_one_at_a_time_in_the_plans_order()
    {
        await using var plan = new CheckPlan(stores.Contract, stores.Settings, PlatformMigrations.Embedded());
        var concurrent = (await Runner.RunAsync(plan.Checks, CancellationToken.None)).Results;
        var again = (await Runner.RunAsync(plan.Checks, CancellationToken.None)).Results;

        await using var serialPlan = new CheckPlan(stores.Contract, stores.Settings, PlatformMigrations.Embedded());
        var serial = new List<CheckResult>();
        foreach (var check in serialPlan.Checks) serial.AddRange((await Runner.RunAsync([check], CancellationToken.None)).Results);

        var order = plan.Checks.Select(c => c.Id).ToArray();
        Assert.True(order.Length >= 30, $"{order.Length} checks");
        Assert.Equal(order, concurrent.Select(r => r.Check));
        Assert.Equal(order, again.Select(r => r.Check));
        Assert.Equal(serial.Select(r => (r.Check, r.Status)), concurrent.Select(r => (r.Check, r.Status)));
        Assert.Equal(concurrent.Select(r => (r.Check, r.Status)), again.Select(r => (r.Check, r.Status)));
    }
}
