using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using Dbops.Contract;
using Dbops.Verify;
using Dbops.Verify.DocumentDb;
using Dbops.Verify.Net;
using MongoDB.Bson;

namespace Dbops.Tests.Verify;

/// <summary>The DocumentDB checks through MongoDB.Driver, against <see cref="FakeDocumentDb"/>.</summary>
public sealed class DocumentDbTests : IAsyncLifetime
{
    private readonly FakeDocumentDb server = new();
    private readonly List<DocDbEndpoint> endpoints = [];
    private string caBundle = "";

    public Task InitializeAsync()
    {
        caBundle = server.WriteCaBundle();
        return Task.CompletedTask;
    }

    public async Task DisposeAsync()
    {
        foreach (var e in endpoints) await e.DisposeAsync();
        await server.DisposeAsync();
        File.Delete(caBundle);
    }

    private static readonly string[] ThreeMembers = ["docdb-1:27017", "docdb-2:27017", "docdb-3:27017"];

    private DocDbEndpoint Endpoint(string role = "cluster", int instances = 3, string? ca = null, int? port = null, double timeoutSeconds = 5)
    {
        var endpoint = new DocDbEndpoint(
            new DocumentDbTarget("127.0.0.1", "127.0.0.1", port ?? server.Port, "mlops", new Secret("docdb-secret"), instances, true, "arn:x"),
            role, "127.0.0.1", new TlsClient(new CertificateTrust(ca ?? caBundle)), TimeSpan.FromSeconds(timeoutSeconds));
        endpoints.Add(endpoint);
        return endpoint;
    }

    private static BsonDocument Primary(string[] hosts) => new()
    {
        { "isWritablePrimary", true }, { "secondary", false }, { "setName", "rs0" }, { "hosts", new BsonArray(hosts) },
        { "me", hosts[0] }, { "maxWireVersion", 13 }, { "localTime", DateTime.UtcNow }, { "ok", 1.0 },
    };

    [Fact]
    public async Task A_writable_primary_with_the_declared_members_passes()
    {
        server.Reply = c => c == "hello" ? Primary(ThreeMembers) : null;

        var r = await new DocDbPrimaryCheck(Endpoint()).RunAsync(CancellationToken.None);

        Assert.Equal(CheckStatus.Pass, r.Status);
        Assert.Equal("writable primary docdb-1:27017 in replica set rs0 with 3 member(s) (expected 3)", r.Message);
        // The check's one command, through the driver: hello on admin, over TLS (the fake speaks nothing else).
        var sent = Assert.Single(server.Received);
        Assert.Equal("hello", sent.GetElement(0).Name);
        Assert.Equal(1, sent["hello"].ToInt32());
        Assert.Equal("admin", sent["$db"].AsString);
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
        server.Reply = c => c == "hello" ? new BsonDocument { { "isWritablePrimary", false }, { "secondary", true }, { "me", "docdb-2:27017" }, { "ok", 1.0 } } : null;

        var r = await new DocDbPrimaryCheck(Endpoint()).RunAsync(CancellationToken.None);

        Assert.Equal(CheckStatus.Fail, r.Status);
        Assert.Equal("the cluster endpoint reaches docdb-2:27017 that is not a writable primary", r.Message);
    }

    [Fact]
    public async Task A_server_without_hello_is_asked_is_master()
    {
        server.Reply = c => c == "isMaster" ? new BsonDocument { { "ismaster", true }, { "setName", "rs0" }, { "hosts", new BsonArray(ThreeMembers) }, { "ok", 1 } } : null;

        var r = await new DocDbPrimaryCheck(Endpoint()).RunAsync(CancellationToken.None);

        Assert.Equal(CheckStatus.Pass, r.Status);
        Assert.Equal(new[] { "hello", "isMaster" }, server.Received.Select(d => d.GetElement(0).Name));
    }

    [Fact]
    public async Task A_server_that_knows_neither_fails_naming_both()
    {
        var r = await new DocDbPrimaryCheck(Endpoint()).RunAsync(CancellationToken.None);

        Assert.Equal(CheckStatus.Fail, r.Status);
        Assert.Equal("cannot talk to cluster 127.0.0.1:" + server.Port + ": hello and isMaster both refused: no such command: 'isMaster'", r.Message);
    }

    [Fact]
    public async Task The_reader_endpoint_must_reach_a_secondary()
    {
        server.Reply = c => c == "hello" ? new BsonDocument { { "isWritablePrimary", false }, { "secondary", true }, { "me", "docdb-3:27017" }, { "ok", 1.0 } } : null;

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
    public async Task The_driver_refuses_an_untrusted_certificate_at_once_and_says_why()
    {
        server.Reply = c => c == "hello" ? Primary(ThreeMembers) : null;
        var clock = Stopwatch.StartNew();

        var r = await new DocDbPrimaryCheck(Endpoint(ca: WriteOtherCa(), timeoutSeconds: 10)).RunAsync(CancellationToken.None);

        Assert.Equal(CheckStatus.Fail, r.Status);
        Assert.Contains("the server's certificate was rejected: it does not chain to a CA in --ca-bundle", r.Message);
        // The heartbeat's failure ends the wait, not the 10 s of server selection.
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(5), $"took {clock.Elapsed}");
        Assert.Empty(server.Received);
    }

    [Fact]
    public async Task A_closed_port_fails_at_once_naming_the_endpoint()
    {
        var closed = new TcpListener(IPAddress.Loopback, 0);
        closed.Start();
        var port = ((IPEndPoint)closed.LocalEndpoint).Port;
        closed.Stop();
        var clock = Stopwatch.StartNew();

        var r = await new DocDbPrimaryCheck(Endpoint(port: port, timeoutSeconds: 10)).RunAsync(CancellationToken.None);

        Assert.Equal(CheckStatus.Fail, r.Status);
        Assert.StartsWith($"cannot talk to cluster 127.0.0.1:{port}: ", r.Message);
        Assert.Contains("refused", r.Message, StringComparison.OrdinalIgnoreCase);
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(5), $"took {clock.Elapsed}");
    }

    [Fact]
    public async Task Hosts_of_the_wrong_type_count_as_no_members()
    {
        server.Reply = c => c == "hello" ? new BsonDocument { { "hosts", "not-an-array-but-fine" }, { "isWritablePrimary", true }, { "ok", 1.0 } } : null;

        var r = await new DocDbPrimaryCheck(Endpoint(instances: 1)).RunAsync(CancellationToken.None);

        // hosts of the wrong type count as none: the declared member is missing.
        Assert.Equal(CheckStatus.Fail, r.Status);
        Assert.StartsWith("missing members:", r.Message);
    }

    [Fact]
    public async Task The_command_runs_the_documentdb_checks_through_the_driver_and_reports_them()
    {
        // One member that answers as the primary behind both names: the cluster endpoint passes, and
        // the reader endpoint, which must reach a secondary, fails. Through the whole command, so that
        // DBOPS_TEST_BINARY proves the published (Native AOT) build speaks to DocumentDB as this one does.
        server.Reply = c => c == "hello" ? Primary(ThreeMembers) : null;
        var contract = Path.Combine(Path.GetTempPath(), $"contract-{Guid.NewGuid():N}.json");
        await File.WriteAllTextAsync(contract, new System.Text.Json.Nodes.JsonObject
        {
            ["contractVersion"] = 1, ["stack"] = "t", ["environment"] = "dev", ["region"] = "us-east-1",
            ["postgres"] = new System.Text.Json.Nodes.JsonObject
            {
                ["writer"] = "127.0.0.1", ["reader"] = null, ["port"] = 1, ["database"] = "mlflow", ["username"] = "u",
                ["password"] = "pg-secret", ["engineMajor"] = 16, ["tlsRequired"] = true, ["readers"] = 0, ["replicaLagMs"] = 1000,
                ["parameters"] = new System.Text.Json.Nodes.JsonObject(), ["secretArn"] = "arn:x",
            },
            ["documentdb"] = new System.Text.Json.Nodes.JsonObject
            {
                ["endpoint"] = "127.0.0.1", ["readerEndpoint"] = "127.0.0.1", ["port"] = server.Port, ["username"] = "mlops",
                ["password"] = "docdb-secret", ["instances"] = 3, ["tlsRequired"] = true, ["secretArn"] = "arn:y",
            },
        }.ToJsonString());
        try
        {
            var run = await CliRun.RunAsync(["verify", "--outputs", contract, "--ca-bundle", caBundle, "--only", "documentdb", "--format", "json"]);

            Assert.Equal(1, run.ExitCode);
            var checks = System.Text.Json.Nodes.JsonNode.Parse(run.Out)!["checks"]!.AsArray()
                .ToDictionary(c => (string)c!["check"]!, c => ((string)c!["status"]!, (string)c["message"]!, c["data"]!.ToJsonString()));
            Assert.Equal(["documentdb.cluster.tls", "documentdb.cluster.primary", "documentdb.reader.secondary"], checks.Keys);
            Assert.Equal("pass", checks["documentdb.cluster.tls"].Item1);
            Assert.Contains("CN=fake documentdb", checks["documentdb.cluster.tls"].Item2);
            Assert.Equal(("pass", "writable primary docdb-1:27017 in replica set rs0 with 3 member(s) (expected 3)"),
                (checks["documentdb.cluster.primary"].Item1, checks["documentdb.cluster.primary"].Item2));
            Assert.Equal("""{"writablePrimary":true,"setName":"rs0","members":["docdb-1:27017","docdb-2:27017","docdb-3:27017"],"expectedMembers":3}""",
                checks["documentdb.cluster.primary"].Item3);
            Assert.Equal(("fail", "the reader endpoint reaches docdb-1:27017 that is not a secondary"),
                (checks["documentdb.reader.secondary"].Item1, checks["documentdb.reader.secondary"].Item2));
            Assert.Equal(2, server.Received.Count(d => d.GetElement(0).Name == "hello"));
            Assert.DoesNotContain("docdb-secret", run.All);
        }
        finally
        {
            File.Delete(contract);
        }
    }

    private static string WriteOtherCa()
    {
        var other = new FakeDocumentDb();
        var path = other.WriteCaBundle();
        other.DisposeAsync().AsTask().GetAwaiter().GetResult();
        return path;
    }
}
