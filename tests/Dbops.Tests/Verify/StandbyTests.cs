using Dbops.Verify;

namespace Dbops.Tests.Verify;

/// <summary>
/// A DR standby (role "standby"): its endpoints are read-only secondaries, so every session
/// must be read-only, and the checks that need the primary region are skipped with a reason.
/// Played against the local replica (standing in for the secondary) and, to show the check
/// can fail, against the local primary.
/// </summary>
[Collection(LocalStoresCollection.Name)]
public class StandbyTests(LocalStores stores)
{
    private Dbops.Contract.VerificationContract Standby(Func<System.Text.Json.Nodes.JsonObject, string> endpoint)
    {
        var json = stores.ContractJson();
        json["role"] = "standby";
        var pg = json["postgres"]!.AsObject();
        pg["writer"] = endpoint(json);
        pg["reader"] = null;
        pg["readers"] = 0;
        return LocalStores.Read(json);
    }

    [Fact]
    public async Task A_standby_pointed_at_a_read_only_secondary_passes_its_role_check()
    {
        var contract = Standby(j => j["postgres"]!["reader"]!.GetValue<string>());

        var results = await stores.VerifyAsync(contract, null, Categories.PostgresServer);

        var role = LocalStores.Single(results, "postgres.standby.role");
        Assert.Equal(CheckStatus.Pass, role.Status);
        Assert.StartsWith("read-only replica", role.Message);
        var replicas = LocalStores.Single(results, "postgres.aurora-replicas");
        Assert.Equal(CheckStatus.Skip, replicas.Status);
        Assert.Contains("secondary of a global cluster", replicas.Message);
        Assert.DoesNotContain(results, r => r.Check.StartsWith("postgres.writer.", StringComparison.Ordinal));
    }

    [Fact]
    public async Task A_standby_that_reaches_a_writable_primary_fails()
    {
        var contract = Standby(j => j["postgres"]!["writer"]!.GetValue<string>());

        var role = LocalStores.Single(await stores.VerifyAsync(contract, null, Categories.PostgresServer), "postgres.standby.role");

        Assert.Equal(CheckStatus.Fail, role.Status);
        Assert.Equal("the standby endpoint reaches a writable primary (pg_is_in_recovery() is false)", role.Message);
    }
}
