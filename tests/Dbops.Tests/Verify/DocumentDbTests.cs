using Dbops.Contract;
using Dbops.Verify;
using Dbops.Verify.DocumentDb;
using Dbops.Verify.Net;
using static Dbops.Tests.Verify.FakeDocumentDb;

namespace Dbops.Tests.Verify;

public sealed class DocumentDbTests : IAsyncLifetime
{
    private readonly FakeDocumentDb server = new();
    private string caBundle = "";

    public Task InitializeAsync()
    {
        caBundle = server.WriteCaBundle();
        return Task.CompletedTask;
    }

    public async Task DisposeAsync()
    {
        await server.DisposeAsync();
        File.Delete(caBundle);
    }

    private static readonly string[] ThreeMembers = ["docdb-1:27017", "docdb-2:27017", "docdb-3:27017"];

    private DocDbEndpoint Endpoint(string role = "cluster", int instances = 3, string? ca = null) =>
        new(new DocumentDbTarget("127.0.0.1", "127.0.0.1", server.Port, "mlops", new Secret("docdb-secret"), instances, true, "arn:x"),
            role, "127.0.0.1", new TlsClient(ca ?? caBundle));

    private static List<KeyValuePair<string, object?>> Primary(string[] hosts) => Doc(
        ("isWritablePrimary", true), ("secondary", false), ("setName", "rs0"), ("hosts", hosts.Cast<object?>().ToArray()),
        ("me", hosts[0]), ("maxWireVersion", 13), ("localTime", DateTimeOffset.UtcNow.ToUnixTimeMilliseconds()), ("ok", 1.0));

    [Fact]
    public async Task A_writable_primary_with_the_declared_members_passes()
    {
        server.Reply = c => c == "hello" ? Primary(ThreeMembers) : null;

        var r = await new DocDbPrimaryCheck(Endpoint()).RunAsync(CancellationToken.None);

        Assert.Equal(CheckStatus.Pass, r.Status);
        Assert.Equal("writable primary docdb-1:27017 in replica set rs0 with 3 member(s) (expected 3)", r.Message);
        var sent = Assert.Single(server.Received);
        Assert.Equal(new List<KeyValuePair<string, object?>> { new("hello", 1), new("$db", "admin") }, sent);
    }

    [Fact]
    public async Task Missing_members_fail()
    {
        server.Reply = c => c == "hello" ? Primary(ThreeMembers[..2]) : null;

        var r = await new DocDbPrimaryCheck(Endpoint()).RunAsync(CancellationToken.None);

        Assert.Equal(CheckStatus.Fail, r.Status);
        Assert.StartsWith("missing members:", r.Message);
    }

    [Fact]
    public async Task A_cluster_endpoint_that_reaches_a_secondary_fails()
    {
        server.Reply = c => c == "hello" ? Doc(("isWritablePrimary", false), ("secondary", true), ("me", "docdb-2:27017"), ("ok", 1.0)) : null;

        var r = await new DocDbPrimaryCheck(Endpoint()).RunAsync(CancellationToken.None);

        Assert.Equal(CheckStatus.Fail, r.Status);
        Assert.Equal("the cluster endpoint reaches docdb-2:27017 that is not a writable primary", r.Message);
    }

    [Fact]
    public async Task A_server_without_hello_is_asked_is_master()
    {
        server.Reply = c => c == "isMaster" ? Doc(("ismaster", true), ("setName", "rs0"), ("hosts", ThreeMembers.Cast<object?>().ToArray()), ("ok", 1)) : null;

        var r = await new DocDbPrimaryCheck(Endpoint()).RunAsync(CancellationToken.None);

        Assert.Equal(CheckStatus.Pass, r.Status);
        Assert.Equal(new[] { "hello", "isMaster" }, server.Received.Select(d => d[0].Key));
    }

    [Fact]
    public async Task The_reader_endpoint_must_reach_a_secondary()
    {
        server.Reply = c => c == "hello" ? Doc(("isWritablePrimary", false), ("secondary", true), ("me", "docdb-3:27017"), ("ok", 1.0)) : null;

        var r = await new DocDbReaderCheck(Endpoint("reader")).RunAsync(CancellationToken.None);

        Assert.Equal(CheckStatus.Pass, r.Status);
        Assert.Equal("reader endpoint reaches secondary docdb-3:27017", r.Message);
    }

    [Fact]
    public async Task The_tls_handshake_is_checked_against_the_ca_bundle()
    {
        var trusted = await new DocDbTlsCheck(Endpoint()).RunAsync(CancellationToken.None);
        var untrusted = await new DocDbTlsCheck(Endpoint(ca: WriteOtherCa())).RunAsync(CancellationToken.None);

        Assert.Equal(CheckStatus.Pass, trusted.Status);
        Assert.Contains("CN=fake documentdb", trusted.Message);
        Assert.Equal(CheckStatus.Fail, untrusted.Status);
        Assert.Contains("TLS handshake failed: the server's certificate was rejected: it does not chain to a CA in --ca-bundle", untrusted.Message);
    }

    [Fact]
    public async Task Hosts_of_the_wrong_type_count_as_no_members()
    {
        server.Reply = c => c == "hello" ? Doc(("hosts", "not-an-array-but-fine"), ("isWritablePrimary", true), ("ok", 1.0)) : null;

        var r = await new DocDbPrimaryCheck(Endpoint(instances: 1)).RunAsync(CancellationToken.None);

        // hosts of the wrong type count as none: the declared member is missing.
        Assert.Equal(CheckStatus.Fail, r.Status);
        Assert.StartsWith("missing members:", r.Message);
    }

    private static string WriteOtherCa()
    {
        var other = new FakeDocumentDb();
        var path = other.WriteCaBundle();
        other.DisposeAsync().AsTask().GetAwaiter().GetResult();
        return path;
    }
}
