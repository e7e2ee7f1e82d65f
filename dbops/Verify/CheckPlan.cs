using Dbops.Contract;
using Dbops.Migrate;
using Dbops.Verify.DocumentDb;
using Dbops.Verify.Net;
using Dbops.Verify.Postgres;
using Dbops.Verify.Redis;

namespace Dbops.Verify;

/// <summary>
/// Which checks a contract calls for: every store the contract names, each of its
/// endpoints, and a skip with the reason for what it does not name. Owns the connection
/// pools the checks share, so dispose it after the run.
/// </summary>
public sealed class CheckPlan : IAsyncDisposable
{
    private readonly List<PgEndpoint> pools = [];

    /// <summary>The drivers' connections (Redis multiplexers, MongoDB clients), closed with the plan.</summary>
    private readonly List<IAsyncDisposable> connections = [];

    public IReadOnlyList<ICheck> Checks { get; }

    /// <summary>The PostgreSQL endpoints whose connection the checks share (for the tests).</summary>
    internal IReadOnlyList<PgEndpoint> PostgresEndpoints => pools;

    public CheckPlan(VerificationContract contract, VerifySettings settings, PlatformMigrations migrations)
    {
        var tls = new TlsClient(new CertificateTrust(settings.CaBundlePath));
        var standby = contract.IsStandby;
        Checks =
        [
            .. Postgres(contract.Postgres, settings, migrations, standby),
            .. Redis(contract.Redis, settings, tls, standby),
            .. DocumentDb(contract.DocumentDb, settings, tls, standby),
        ];
    }

    /// <summary>The checks whose category the selectors admit: all when <paramref name="only"/> is empty, minus <paramref name="skip"/>.</summary>
    public IReadOnlyList<ICheck> Select(IReadOnlyCollection<string> only, IReadOnlyCollection<string> skip) =>
        Checks.Where(c => (only.Count == 0 || only.Any(o => Categories.Matches(o, c.Category)))
                          && !skip.Any(s => Categories.Matches(s, c.Category)))
            .ToArray();

    /// <summary>Why a standby gets no writer-side replication check.</summary>
    private const string StandbyReplicas =
        "a standby is a secondary of a global cluster: its replicas follow the primary region, watched by the global replication lag alarm";

    private IEnumerable<ICheck> Postgres(PostgresTarget pg, VerifySettings settings, PlatformMigrations migrations, bool standby)
    {
        // A standby's one endpoint is a reader endpoint: its role check expects a read-only session.
        var writer = new PgEndpoint(pg, standby ? "standby" : "writer", pg.Writer, settings);
        pools.Add(writer);
        foreach (var check in PerEndpoint(writer, settings)) yield return check;
        yield return standby
            ? new SkippedCheck("postgres.aurora-replicas", Categories.PostgresServer, StandbyReplicas)
            : new AuroraReplicaCheck(writer, settings);
        yield return new PgConnectionsCheck(writer, settings);
        yield return new PgLongTransactionsCheck(writer, settings);
        yield return new PgBlockedLocksCheck(writer, settings);
        yield return new PgWraparoundCheck(writer, settings);
        yield return new PgInvalidIndexesCheck(writer);
        yield return new MlflowTablesCheck(writer, settings);
        yield return new MlflowPrimaryKeysCheck(writer, settings);
        yield return new MlflowForeignKeysCheck(writer, settings);
        yield return new MlflowIndexesCheck(writer, settings);
        yield return new AlembicRevisionCheck(writer, settings);
        yield return new PlatformIndexesCheck(writer, migrations);
        yield return new QuerySloCheck(writer, settings);
        yield return new SearchPlanCheck(writer, settings, migrations);
        if (pg.Reader is null)
        {
            yield return new SkippedCheck("postgres.reader", Categories.PostgresServer, "the contract declares no reader (postgres.readers is 0)");
            yield break;
        }
        var reader = new PgEndpoint(pg, "reader", pg.Reader, settings);
        pools.Add(reader);
        foreach (var check in PerEndpoint(reader, settings)) yield return check;
    }

    private static IEnumerable<ICheck> PerEndpoint(PgEndpoint endpoint, VerifySettings settings)
    {
        yield return new PgTlsSessionCheck(endpoint);
        yield return new PgPlaintextRefusedCheck(endpoint, settings);
        yield return new PgServerVersionCheck(endpoint);
        yield return new PgParametersCheck(endpoint);
        yield return new PgRoleCheck(endpoint);
    }

    private IEnumerable<ICheck> Redis(RedisTarget? redis, VerifySettings settings, TlsClient tls, bool standby)
    {
        if (redis is null)
        {
            yield return new SkippedCheck("redis", Categories.Redis, "the contract has no redis section: this stack has no cache");
            yield break;
        }
        // A standby cache is a secondary of a global datastore: even its primary endpoint reaches a replica.
        var primary = Own(new RedisEndpoint(redis, standby ? "standby" : "primary", redis.Primary, tls, settings.CheckTimeout));
        yield return new RedisTlsCheck(primary);
        yield return new RedisPlaintextRefusedCheck(primary);
        yield return new RedisAuthCheck(primary);
        yield return new RedisPingCheck(primary, settings);
        yield return new RedisReplicationCheck(primary);
        if (redis.Reader is null)
        {
            yield return new SkippedCheck("redis.reader", Categories.Redis, "the contract declares no replica (redis.replicas is 0)");
            yield break;
        }
        var reader = Own(new RedisEndpoint(redis, "reader", redis.Reader, tls, settings.CheckTimeout));
        yield return new RedisTlsCheck(reader);
        yield return new RedisPingCheck(reader, settings);
        yield return new RedisReplicationCheck(reader);
    }

    private IEnumerable<ICheck> DocumentDb(DocumentDbTarget? docdb, VerifySettings settings, TlsClient tls, bool standby)
    {
        if (docdb is null)
        {
            yield return new SkippedCheck("documentdb", Categories.DocumentDb, "the contract has no documentdb section: this stack has no DocumentDB");
            yield break;
        }
        var primary = Own(new DocDbEndpoint(docdb, "cluster", docdb.Endpoint, tls, settings.CheckTimeout));
        yield return new DocDbTlsCheck(primary);
        yield return standby
            ? new SkippedCheck("documentdb.primary", Categories.DocumentDb, "a standby is a secondary of a global cluster: its writable primary is in the primary region")
            : new DocDbPrimaryCheck(primary);
        yield return new DocDbReaderCheck(Own(new DocDbEndpoint(docdb, "reader", docdb.ReaderEndpoint, tls, settings.CheckTimeout)));
    }

    private T Own<T>(T connection) where T : IAsyncDisposable
    {
        connections.Add(connection);
        return connection;
    }

    public async ValueTask DisposeAsync()
    {
        foreach (var p in pools) await p.DisposeAsync();
        foreach (var c in connections) await c.DisposeAsync();
    }
}
