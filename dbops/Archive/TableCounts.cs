using Npgsql;

namespace Dbops.Archive;

/// <summary>Rows of a set of experiments, per table, in the live schema and in the archive.</summary>
public sealed record TableCount(string Table, long Live, long Archived)
{
    public long Total => Live + Archived;
}

internal static class TableCounts
{
    public static async Task<IReadOnlyList<TableCount>> OfAsync(NpgsqlConnection conn, int[] experiments, CancellationToken ct)
    {
        var counts = new List<TableCount>();
        foreach (var t in ArchiveTables.All)
        {
            await using var cmd = new NpgsqlCommand(
                $"select (select count(*) from {ArchiveTables.Live}.{t.Name} where {t.LiveOf}), (select count(*) from {ArchiveTables.Archive}.{t.Name} where {t.ArchivedOf})",
                conn) { CommandTimeout = 0 };
            cmd.Parameters.Add(new NpgsqlParameter { Value = experiments });
            await using var r = await cmd.ExecuteReaderAsync(ct);
            await r.ReadAsync(ct);
            counts.Add(new TableCount(t.Name, r.GetInt64(0), r.GetInt64(1)));
        }
        return counts;
    }
}
