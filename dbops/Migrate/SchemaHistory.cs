using Npgsql;

namespace Dbops.Migrate;

/// <summary>A migration recorded as applied: what ran, its checksum then, when and by whom.</summary>
public sealed record AppliedMigration(int Version, string Description, string Script, string Checksum, bool Transactional, string InstalledBy, DateTime InstalledOn, int ExecutionMs);

/// <summary>
/// The history table, <c>dbops.schema_history</c>: one row per applied migration, written in
/// the migration's own transaction (or after its last statement when it runs outside one).
/// In a schema of its own so that MLflow's schema, and the grants on it, hold only MLflow's tables.
/// </summary>
internal static class SchemaHistory
{
    public const string Table = "dbops.schema_history";

    public static async Task<bool> ExistsAsync(NpgsqlConnection conn, CancellationToken ct)
    {
        await using var cmd = new NpgsqlCommand($"select to_regclass('{Table}') is not null", conn);
        return (bool)(await cmd.ExecuteScalarAsync(ct))!;
    }

    public static async Task EnsureAsync(NpgsqlConnection conn, CancellationToken ct)
    {
        await using var cmd = new NpgsqlCommand(
            $"""
            create schema if not exists dbops;
            create table if not exists {Table} (
                version       integer primary key,
                description   text not null,
                script        text not null,
                checksum      text not null,
                transactional boolean not null,
                installed_by  text not null default current_user,
                installed_on  timestamptz not null default now(),
                execution_ms  integer not null
            );
            """, conn);
        await cmd.ExecuteNonQueryAsync(ct);
    }

    public static async Task<IReadOnlyList<AppliedMigration>> ReadAsync(NpgsqlConnection conn, CancellationToken ct)
    {
        if (!await ExistsAsync(conn, ct)) return [];
        await using var cmd = new NpgsqlCommand(
            $"select version, description, script, checksum, transactional, installed_by, installed_on, execution_ms from {Table} order by version", conn);
        await using var r = await cmd.ExecuteReaderAsync(ct);
        var rows = new List<AppliedMigration>();
        while (await r.ReadAsync(ct))
        {
            rows.Add(new AppliedMigration(r.GetInt32(0), r.GetString(1), r.GetString(2), r.GetString(3), r.GetBoolean(4), r.GetString(5), r.GetDateTime(6), r.GetInt32(7)));
        }
        return rows;
    }

    public static async Task RecordAsync(NpgsqlConnection conn, Migration m, TimeSpan took, CancellationToken ct)
    {
        await using var cmd = new NpgsqlCommand(
            $"insert into {Table} (version, description, script, checksum, transactional, execution_ms) values ($1, $2, $3, $4, $5, $6)", conn);
        cmd.Parameters.Add(new NpgsqlParameter { Value = m.Version });
        cmd.Parameters.Add(new NpgsqlParameter { Value = m.Description });
        cmd.Parameters.Add(new NpgsqlParameter { Value = m.Name });
        cmd.Parameters.Add(new NpgsqlParameter { Value = m.Checksum });
        cmd.Parameters.Add(new NpgsqlParameter { Value = !m.NoTransaction });
        cmd.Parameters.Add(new NpgsqlParameter { Value = (int)Math.Min(int.MaxValue, took.TotalMilliseconds) });
        await cmd.ExecuteNonQueryAsync(ct);
    }
}
