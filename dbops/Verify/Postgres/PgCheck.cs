using Dbops.Output;
using Dbops.Data;
using Npgsql;

namespace Dbops.Verify.Postgres;

/// <summary>
/// Base of the checks that run queries on one endpoint: opens a pooled TLS connection and
/// turns a failure to connect or to query into a failed result naming the endpoint.
/// </summary>
public abstract class PgCheck(PgEndpoint endpoint) : ICheck
{
    protected PgEndpoint Endpoint { get; } = endpoint;

    /// <summary>The last part of the id, e.g. <c>version</c> in <c>postgres.writer.version</c>.</summary>
    protected abstract string Name { get; }

    public string Id => $"postgres.{Endpoint.Role}.{Name}";

    public abstract string Category { get; }

    public async Task<CheckResult> RunAsync(CancellationToken cancellationToken)
    {
        NpgsqlConnection conn;
        var opening = RunTimings.Begin();
        try
        {
            conn = await Endpoint.DataSource.OpenConnectionAsync(cancellationToken);
            if (RunTimings.Enabled) RunTimings.End(opening, $"postgres {Endpoint.Role} connection for {Name} (backend {conn.ProcessID})");
        }
        catch (Exception e) when (e is NpgsqlException or System.Net.Sockets.SocketException or TimeoutException)
        {
            cancellationToken.ThrowIfCancellationRequested();
            return CheckResult.Fail($"cannot connect to {Endpoint}: {PgErrors.Describe(e)}");
        }
        await using (conn)
        {
            try
            {
                return await CheckAsync(conn, cancellationToken);
            }
            catch (NpgsqlException e)
            {
                cancellationToken.ThrowIfCancellationRequested();
                return CheckResult.Fail($"query on {Endpoint} failed: {PgErrors.Describe(e)}");
            }
        }
    }

    protected abstract Task<CheckResult> CheckAsync(NpgsqlConnection conn, CancellationToken ct);

    protected static Dictionary<string, object?> Data(params (string Key, object? Value)[] items) =>
        items.ToDictionary(i => i.Key, i => i.Value);
}
