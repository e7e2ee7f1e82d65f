using Npgsql;

namespace Dbops.Data;

/// <summary>
/// Tiny helpers over Npgsql for every command's statements, with positional parameters ($1, $2 ...).
/// No command timeout of their own: a statement is bounded by its data source's, which is the
/// command's --command-timeout (a server-side statement_timeout, and the driver's a little above
/// it: <see cref="DatabaseTarget.OpenDataSource"/>) or verify's --check-timeout.
/// </summary>
internal static class PgQueries
{
    public static async Task<T> ScalarAsync<T>(this NpgsqlConnection conn, string sql, CancellationToken ct, params object[] args)
    {
        await using var cmd = Command(conn, sql, args);
        var value = await cmd.ExecuteScalarAsync(ct);
        return value is null or DBNull ? default! : (T)Convert.ChangeType(value, Nullable.GetUnderlyingType(typeof(T)) ?? typeof(T), System.Globalization.CultureInfo.InvariantCulture);
    }

    public static async Task<List<T>> RowsAsync<T>(this NpgsqlConnection conn, string sql, Func<NpgsqlDataReader, T> map, CancellationToken ct, params object[] args)
    {
        await using var cmd = Command(conn, sql, args);
        await using var reader = await cmd.ExecuteReaderAsync(ct);
        var rows = new List<T>();
        while (await reader.ReadAsync(ct)) rows.Add(map(reader));
        return rows;
    }

    /// <summary>Runs a statement; the rows it changed (an INSERT ... SELECT's or DELETE's count, what archive reconciles).</summary>
    public static async Task<int> ExecuteAsync(this NpgsqlConnection conn, string sql, CancellationToken ct, params object[] args)
    {
        await using var cmd = Command(conn, sql, args);
        return await cmd.ExecuteNonQueryAsync(ct);
    }

    public static string? NullableString(this NpgsqlDataReader r, int i) => r.IsDBNull(i) ? null : r.GetString(i);

    private static NpgsqlCommand Command(NpgsqlConnection conn, string sql, object[] args)
    {
        var cmd = new NpgsqlCommand(sql, conn);
        foreach (var a in args) cmd.Parameters.Add(new NpgsqlParameter { Value = a });
        return cmd;
    }
}
