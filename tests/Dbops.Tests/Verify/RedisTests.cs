using Dbops.Verify;

namespace Dbops.Tests.Verify;

[Collection(LocalStoresCollection.Name)]
public class RedisTests(LocalStores stores)
{
    [Fact]
    public async Task A_wrong_auth_token_fails_without_printing_it()
    {
        const string wrong = "0123456789abcdef-wrong-token";
        var json = stores.ContractJson();
        json["redis"]!["authToken"] = wrong;

        var results = await stores.VerifyAsync(LocalStores.Read(json), null, Categories.Redis);

        var auth = LocalStores.Single(results, "redis.primary.auth");
        Assert.Equal(CheckStatus.Fail, auth.Status);
        Assert.Contains("AUTH refused: WRONGPASS", auth.Message);
        Assert.EndsWith("(wrong auth token)", auth.Message);
        Assert.All(results, r => Assert.DoesNotContain(wrong, r.Message));
        // The TLS handshake does not depend on the token.
        Assert.Equal(CheckStatus.Pass, LocalStores.Single(results, "redis.primary.tls").Status);
    }

    [Fact]
    public async Task Fewer_replicas_than_declared_fail()
    {
        var json = stores.ContractJson();
        json["redis"]!["replicas"] = 2;

        var r = LocalStores.Single(await stores.VerifyAsync(LocalStores.Read(json), null, Categories.Redis), "redis.primary.replication");

        Assert.Equal(CheckStatus.Fail, r.Status);
        Assert.StartsWith("missing replicas: master with 1 online replica(s) of 1 (expected 2)", r.Message);
    }

    [Fact]
    public async Task A_reader_endpoint_that_reaches_the_primary_fails()
    {
        var json = stores.ContractJson();
        json["redis"]!["reader"] = "127.0.0.1";

        var r = LocalStores.Single(await stores.VerifyAsync(LocalStores.Read(json), null, Categories.Redis), "redis.reader.replication");

        Assert.Equal(CheckStatus.Fail, r.Status);
        Assert.Equal("the reader endpoint reaches a master, not a replica", r.Message);
    }

    [Fact]
    public async Task A_certificate_from_an_untrusted_ca_fails_the_handshake()
    {
        // The system trust store does not know the setup's throwaway CA.
        var results = await stores.VerifyAsync(settings: stores.Settings with { CaBundlePath = null }, only: Categories.Redis);

        var tls = LocalStores.Single(results, "redis.primary.tls");
        Assert.Equal(CheckStatus.Fail, tls.Status);
        Assert.EndsWith("TLS handshake failed: the server's certificate was rejected: it does not chain to a CA in the system trust store (UntrustedRoot)", tls.Message);
    }
}
