using Npgsql;

namespace Dbops.Data;

/// <summary>
/// A session-level advisory lock that serialises runs of one dbops command against one
/// database. The server releases it when the session ends, so a killed run never leaves it held.
/// </summary>
/// <remarks>
/// Waiting is done by polling <c>pg_try_advisory_lock</c>, not by a blocking
/// <c>pg_advisory_lock</c>: a session blocked in that call holds a snapshot, and a holder
/// building an index CONCURRENTLY waits for every older snapshot to go away. Each would
/// wait for the other and the deadlock detector would kill one of them.
/// </remarks>
public sealed class AdvisoryLock : IAsyncDisposable
{
    /// <summary>"dbops:migrate" and "dbops:archive" as numbers: one lock per command, distinct from anything MLflow takes (it takes none).</summary>
    public const long MigrateKey = 0x646270_6D696772;
    public const long ArchiveKey = 0x646270_61726368;

    private readonly NpgsqlConnection conn;
    private readonly long key;

    private AdvisoryLock(NpgsqlConnection conn, long key)
    {
        this.conn = conn;
        this.key = key;
    }

    /// <summary>
    /// Takes the lock on <paramref name="conn"/>, waiting at most <paramref name="wait"/>;
    /// null when another session still holds it then. <paramref name="onWait"/> hears once who holds it.
    /// </summary>
    public static async Task<AdvisoryLock?> AcquireAsync(NpgsqlConnection conn, long key, TimeSpan wait, Action<string> onWait, CancellationToken ct)
    {
        var deadline = DateTime.UtcNow + wait;
        var told = false;
        while (true)
        {
            if (await TryAsync(conn, key, ct)) return new AdvisoryLock(conn, key);
            if (!told)
            {
                onWait(await HolderAsync(conn, key, ct) ?? "another session");
                told = true;
            }
            if (DateTime.UtcNow >= deadline) return null;
            await Task.Delay(TimeSpan.FromMilliseconds(200), ct);
        }
    }

    /// <summary>Who holds the lock, e.g. "pid 4242 (dbops migrate) since 12:00:01Z", or null.</summary>
    public static async Task<string?> HolderAsync(NpgsqlConnection conn, long key, CancellationToken ct)
    {
        await using var cmd = new NpgsqlCommand(
            """
            select a.pid, coalesce(nullif(a.application_name, ''), a.usename::text, '?'), a.backend_start
            from pg_locks l join pg_stat_activity a on a.pid = l.pid
            where l.locktype = 'advisory' and l.granted and l.database = (select oid from pg_database where datname = current_database())
              and l.classid = ($1 >> 32)::oid and l.objid = ($1 & 4294967295)::oid and l.objsubid = 1
            """, conn);
        cmd.Parameters.Add(new NpgsqlParameter { Value = key });
        await using var r = await cmd.ExecuteReaderAsync(ct);
        if (!await r.ReadAsync(ct)) return null;
        return $"pid {r.GetInt32(0)} ({r.GetString(1)}) since {r.GetDateTime(2):HH:mm:ss}Z";
    }

    private static async Task<bool> TryAsync(NpgsqlConnection conn, long key, CancellationToken ct)
    {
        await using var cmd = new NpgsqlCommand("select pg_try_advisory_lock($1)", conn);
        cmd.Parameters.Add(new NpgsqlParameter { Value = key });
        return (bool)(await cmd.ExecuteScalarAsync(ct))!;
    }

    public async ValueTask DisposeAsync()
    {
        if (conn.State != System.Data.ConnectionState.Open) return;
        try
        {
            await using var cmd = new NpgsqlCommand("select pg_advisory_unlock($1)", conn);
            cmd.Parameters.Add(new NpgsqlParameter { Value = key });
            await cmd.ExecuteScalarAsync();
        }
        catch (NpgsqlException)
        {
            // The session is gone, and the lock with it.
        }
    }
}
