using Dbops.Contract;
using Dbops.Data;
using Npgsql;

namespace Dbops.Verify.Postgres;

/// <summary>
/// One PostgreSQL endpoint of the contract (the writer, or the reader endpoint) and the one
/// connection to it that every check of that endpoint shares, one check at a time.
/// </summary>
public sealed class PgEndpoint : IAsyncDisposable
{
    public string Role { get; }
    public string Host { get; }
    public int Port { get; }
    public PostgresTarget Target { get; }
    public NpgsqlDataSource DataSource { get; }

    /// <summary>How the server's certificate is checked, for reports.</summary>
    public string Trust { get; }

    private readonly System.Collections.Concurrent.ConcurrentQueue<int> backends = new();

    /// <summary>The backend process ids of the physical connections opened so far, in order.</summary>
    public IReadOnlyCollection<int> OpenedBackends => backends.ToArray();

    public PgEndpoint(PostgresTarget target, string role, string host, VerifySettings settings)
    {
        Target = target;
        Role = role;
        Host = host;
        Port = target.Port;
        Trust = settings.CaBundlePath is null ? "verify-full, system trust store" : "verify-full, --ca-bundle";
        var b = ContractConnection.Builder(target, host, settings.CaBundlePath);
        Bound(b, settings);
        // One connection per endpoint (issue 20): every further connection costs a TLS handshake and a
        // SCRAM authentication (PBKDF2 on both sides), which on a loaded machine took longer than the
        // queries they would run beside each other; the endpoints' checks still run concurrently with
        // each other. A check waiting for the connection waits within its own --check-timeout.
        b.MaxPoolSize = 1;
        var builder = new NpgsqlDataSourceBuilder(b.ConnectionString);
        // The checks read only built-in types (casting the rest to text); skipping the type
        // catalogue saves a round trip on every new connection.
        builder.ConfigureTypeLoading(t => t.EnableTypeLoading(false));
        // Which server backends this endpoint's pool opened: what the tests read to prove the sharing.
        builder.UsePhysicalConnectionInitializer(
            conn => backends.Enqueue(conn.ProcessID),
            conn => { backends.Enqueue(conn.ProcessID); return Task.CompletedTask; });
        DataSource = builder.Build();
    }

    /// <summary>
    /// A connection string for a deliberately unencrypted attempt. It carries a throwaway
    /// password: should the server accept plaintext, the real one must not cross the wire.
    /// </summary>
    public string PlaintextProbeConnectionString(VerifySettings settings)
    {
        var b = ContractConnection.Builder(Target, Host, caBundle: null);
        Bound(b, settings);
        b.Password = "dbops-plaintext-probe-" + Guid.NewGuid().ToString("N");
        b.SslMode = SslMode.Disable;
        b.Pooling = false;
        return b.ConnectionString;
    }

    /// <summary>verify's session name, and connecting and every statement bounded by --check-timeout.</summary>
    private static void Bound(NpgsqlConnectionStringBuilder b, VerifySettings settings)
    {
        var seconds = (int)Math.Max(1, Math.Ceiling(settings.CheckTimeout.TotalSeconds));
        b.ApplicationName = $"{Dbops.Data.DatabaseTarget.ApplicationNamePrefix}-verify";
        b.Timeout = seconds;
        b.CommandTimeout = seconds;
    }

    public override string ToString() => $"{Role} {Host}:{Port}";

    public ValueTask DisposeAsync() => DataSource.DisposeAsync();
}
