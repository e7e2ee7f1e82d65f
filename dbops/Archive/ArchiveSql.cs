using Dbops.Data;
using Npgsql;

namespace Dbops.Archive;

/// <summary>
/// The archive's statements, with positional parameters ($1, $2 ...) and no command timeout: a move or a
/// count over a large experiment may take minutes, and what bounds a batch is the lock timeout, not a clock.
/// </summary>
internal static class ArchiveSql
{
    public static async Task<List<T>> RowsAsync<T>(this NpgsqlConnection conn, string sql, Func<NpgsqlDataReader, T> map, CancellationToken ct, params object[] args)
    {
        await using var cmd = Command(conn, sql, args);
        await using var reader = await cmd.ExecuteReaderAsync(ct);
        var rows = new List<T>();
        while (await reader.ReadAsync(ct)) rows.Add(map(reader));
        return rows;
    }

    public static async Task<long> ExecuteAsync(this NpgsqlConnection conn, string sql, CancellationToken ct, params object[] args)
    {
        await using var cmd = Command(conn, sql, args);
        return await cmd.ExecuteNonQueryAsync(ct);
    }

    private static NpgsqlCommand Command(NpgsqlConnection conn, string sql, object[] args)
    {
        var cmd = new NpgsqlCommand(sql, conn) { CommandTimeout = 0 };
        foreach (var a in args) cmd.Parameters.Add(new NpgsqlParameter { Value = a });
        return cmd;
    }
}
