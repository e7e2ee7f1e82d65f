using System.Security.Authentication;
using Dbops.Contract;
using Dbops.Verify.Net;
using MongoDB.Bson;
using MongoDB.Driver;
using MongoDB.Driver.Core.Events;

namespace Dbops.Verify.DocumentDb;

/// <summary>What <c>hello</c> (or the older <c>isMaster</c>) says about the member the endpoint reaches.</summary>
public sealed record HelloReply(bool WritablePrimary, bool Secondary, string? SetName, string[] Hosts, string? Me)
{
    public static HelloReply From(BsonDocument doc) => new(
        WritablePrimary: Bool(doc, "isWritablePrimary") ?? Bool(doc, "ismaster") ?? false,
        Secondary: Bool(doc, "secondary") ?? false,
        SetName: Text(doc, "setName"),
        Hosts: doc.TryGetValue("hosts", out var hosts) && hosts.IsBsonArray ? hosts.AsBsonArray.Where(h => h.IsString).Select(h => h.AsString).ToArray() : [],
        Me: Text(doc, "me"));

    // A field of another type than the specification's counts as absent, as the checks always treated it.
    private static bool? Bool(BsonDocument doc, string key) => doc.TryGetValue(key, out var v) && v.IsBoolean ? v.AsBoolean : null;

    private static string? Text(BsonDocument doc, string key) => doc.TryGetValue(key, out var v) && v.IsString ? v.AsString : null;
}

/// <summary>
/// One DocumentDB endpoint of the contract (the cluster endpoint, or the reader endpoint),
/// reached through MongoDB.Driver with a direct connection, so that the driver talks to the
/// member behind that name rather than discovering the replica set and choosing one itself.
/// Everything is bounded by the check timeout, and a failed heartbeat (refused connection,
/// refused certificate) fails the command at once instead of at the end of server selection.
/// </summary>
public sealed class DocDbEndpoint(DocumentDbTarget target, string role, string host, TlsClient tls, TimeSpan timeout) : INetworkEndpoint, IAsyncDisposable
{
    private MongoClient? client;
    private readonly TaskCompletionSource<Exception> heartbeatFailed = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly Lock gate = new();

    public DocumentDbTarget Target => target;
    public string Role => role;
    public string Host => host;
    public TlsClient Tls => tls;

    /// <summary>
    /// Runs <c>hello</c> on the admin database. Servers that predate <c>hello</c> (MongoDB 4.4 and
    /// older, whose protocol DocumentDB 3.6 and 4.0 speak) answer CommandNotFound; then <c>isMaster</c> is asked instead.
    /// </summary>
    public async Task<HelloReply> HelloAsync(CancellationToken ct)
    {
        var admin = Client().GetDatabase("admin");
        try
        {
            return HelloReply.From(await RunAsync(admin, "hello", ct));
        }
        catch (MongoCommandException e) when (e.Code == 59)
        {
            try
            {
                return HelloReply.From(await RunAsync(admin, "isMaster", ct));
            }
            catch (MongoCommandException legacy)
            {
                throw new InvalidDataException($"hello and isMaster both refused: {legacy.ErrorMessage}");
            }
        }
    }

    private async Task<BsonDocument> RunAsync(IMongoDatabase admin, string command, CancellationToken ct)
    {
        var run = admin.RunCommandAsync<BsonDocument>(new BsonDocument(command, 1), cancellationToken: ct);
        var first = await Task.WhenAny(run, heartbeatFailed.Task);
        if (first == run) return await run;
        _ = run.ContinueWith(t => t.Exception, TaskScheduler.Default);
        throw Explain(await heartbeatFailed.Task);
    }

    /// <summary>The heartbeat's failure in the words of the TLS probe: a refused certificate names why.</summary>
    private Exception Explain(Exception heartbeat)
    {
        var cause = heartbeat;
        while (cause.InnerException is not null && cause is not AuthenticationException and not System.Net.Sockets.SocketException) cause = cause.InnerException;
        if (cause is AuthenticationException && tls.Trust.RejectionFor(host) is { } rejected)
        {
            return new AuthenticationException($"the server's certificate was rejected: {rejected}", cause);
        }
        return cause is AuthenticationException or System.Net.Sockets.SocketException ? cause : new IOException(heartbeat.Message, heartbeat);
    }

    private MongoClient Client()
    {
        lock (gate)
        {
            return client ??= new MongoClient(Settings());
        }
    }

    private MongoClientSettings Settings()
    {
        var settings = new MongoClientSettings
        {
            Server = new MongoServerAddress(host, target.Port),
            DirectConnection = true,
            ApplicationName = "dbops-verify",
            UseTls = target.TlsRequired,
            ConnectTimeout = timeout,
            ServerSelectionTimeout = timeout,
            SocketTimeout = timeout,
            // AWS's connection examples for DocumentDB set retryWrites=false: it has no retryable writes. The verifier writes nothing either.
            RetryWrites = false,
            // Polling, not the streaming protocol: DocumentDB answers hello but does not stream topology changes.
            ServerMonitoringMode = MongoDB.Driver.Core.Servers.ServerMonitoringMode.Poll,
            ClusterConfigurator = cluster => cluster.Subscribe<ServerHeartbeatFailedEvent>(e => heartbeatFailed.TrySetResult(e.Exception)),
        };
        if (target.TlsRequired)
        {
            settings.SslSettings = new SslSettings
            {
                EnabledSslProtocols = SslProtocols.Tls12 | SslProtocols.Tls13,
                CheckCertificateRevocation = false,
                ServerCertificateValidationCallback = tls.Trust.CallbackFor(host),
            };
        }
        return settings;
    }

    public override string ToString() => $"{role} {host}:{target.Port}";

    public ValueTask DisposeAsync()
    {
        lock (gate) client?.Dispose();
        return ValueTask.CompletedTask;
    }
}
