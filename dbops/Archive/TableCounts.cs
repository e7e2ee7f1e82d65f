using Dbops.Data;
using Npgsql;

namespace Dbops.Archive;

/// <summary>Rows of a set of experiments, per table, in the live schema and in the archive.</summary>
public sealed record TableCount(string Table, long Live, long Archived)
{
    public long Total => Live + Archived;
}

internal static class TableCounts
{
    /// <summary>Per archived table, the rows that belong to <paramref name="experiments"/> (by <see cref="ArchiveModel.Owned"/>) on each side; the archive side only when it exists.</summary>
    public static async Task<IReadOnlyList<TableCount>> OfAsync(NpgsqlConnection conn, ArchiveModel model, int[] experiments, bool archiveExists, CancellationToken ct)
    {
        var counts = new List<TableCount>();
        foreach (var t in model.Tables)
        {
            var live = model.Owned(t.Name, ArchiveModel.Live, ArchiveKeys.Experiments);
            var archived = model.Owned(t.Name, ArchiveModel.Archive, ArchiveKeys.Experiments);
            var sql = $"select (select count(*) from {ArchiveModel.Live}.{ArchiveModel.Q(t.Name)} where {live}), "
                + (!archiveExists ? "0::bigint"
                    : PackedMetrics.Applies(t.Name, model.LiveColumns.GetValueOrDefault(t.Name)) && await PackedAsync(conn, ct) ? PackedMetrics.CountSql(archived)
                    : $"(select count(*) from {ArchiveModel.Archive}.{ArchiveModel.Q(t.Name)} where {archived})");
            var row = (await conn.RowsAsync(sql, r => (r.GetInt64(0), r.GetInt64(1)), ct, (object)experiments))[0];
            counts.Add(new TableCount(t.Name, row.Item1, row.Item2));
        }
        return counts;
    }

    /// <summary>Whether the archive holds its metrics packed yet (a dry run before the first archive still sees V2's plain table).</summary>
    private static async Task<bool> PackedAsync(NpgsqlConnection conn, CancellationToken ct) =>
        await conn.ScalarAsync<bool>($"select to_regclass('{ArchiveModel.Archive}.{PackedMetrics.Series}') is not null", ct);
}
