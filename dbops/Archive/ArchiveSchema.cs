using Dbops.Data;
using Npgsql;

namespace Dbops.Archive;

/// <summary>One live column as the catalog has it.</summary>
/// <param name="Generated">A stored generated column (MLflow 3's spans.duration_ns): read on archive, never written on restore.</param>
public sealed record LiveColumn(string Name, string Type, string? Default, bool Generated);

/// <summary>
/// Brings <c>mlflow_archive</c> up to the live schema before anything moves, so that it follows every
/// MLflow upgrade without a migration per release: an archived table that has no twin yet is created
/// (<c>LIKE</c> the live one: its columns, types and NOT NULLs, no keys), a live column the twin lacks is
/// added (with the live default, so the rows archived before get the value MLflow's own migration gave
/// the live rows; nullable, as the rows may predate it), and a column whose type MLflow changed takes the
/// live type. Nothing is ever dropped: a column MLflow removed keeps its archived values. Runs in the
/// caller's transaction, under the archive lock; a dry run rolls it back after counting.
/// </summary>
internal static class ArchiveSchema
{
    public static async Task<bool> ExistsAsync(NpgsqlConnection conn, CancellationToken ct) =>
        (await conn.RowsAsync($"select 1 from pg_namespace where nspname = '{ArchiveModel.Archive}'", r => r.GetInt32(0), ct)).Count > 0;

    /// <summary>Every column of the named tables in both schemas, in column order.</summary>
    public static async Task<Dictionary<(string Schema, string Table), List<LiveColumn>>> ColumnsAsync(NpgsqlConnection conn, IEnumerable<string> tables, CancellationToken ct)
    {
        var rows = await conn.RowsAsync(
            $"""
            select n.nspname::text, c.relname::text, a.attname::text, format_type(a.atttypid, a.atttypmod), a.attgenerated::text, pg_get_expr(d.adbin, d.adrelid)
            from pg_attribute a
            join pg_class c on c.oid = a.attrelid join pg_namespace n on n.oid = c.relnamespace
            left join pg_attrdef d on d.adrelid = a.attrelid and d.adnum = a.attnum
            where n.nspname in ('{ArchiveModel.Live}', '{ArchiveModel.Archive}') and c.relkind in ('r', 'p') and c.relname = any($1)
              and a.attnum > 0 and not a.attisdropped
            order by 1, 2, a.attnum
            """,
            r => (Schema: r.GetString(0), Table: r.GetString(1), Column: new LiveColumn(r.GetString(2), r.GetString(3), r.IsDBNull(5) || r.GetString(4) != "" ? null : r.GetString(5), r.GetString(4) != "")),
            ct, (object)tables.ToArray());
        return rows.GroupBy(r => (r.Schema, r.Table)).ToDictionary(g => g.Key, g => g.Select(r => r.Column).ToList());
    }

    /// <summary>Brings the archive up to the live columns; returns what it changed, one line each.</summary>
    public static async Task<IReadOnlyList<string>> SyncAsync(NpgsqlConnection conn, ArchiveModel model, CancellationToken ct)
    {
        if (!await ExistsAsync(conn, ct)) throw new OpsException($"the archive schema {ArchiveModel.Archive} is missing: run dbops migrate first");
        var columns = await ColumnsAsync(conn, model.Tables.Select(t => t.Name), ct);
        var changes = new List<string>();
        var analytics = (await conn.RowsAsync("select 1 from pg_roles where rolname = 'mlflow_analytics'", r => r.GetInt32(0), ct)).Count > 0;
        foreach (var table in model.Tables)
        {
            if (!columns.TryGetValue((ArchiveModel.Live, table.Name), out var live)) continue;
            if (PackedMetrics.Applies(table.Name, live.Select(c => c.Name)))
            {
                changes.AddRange(await PackedMetrics.SyncAsync(conn, live, analytics, ct));
                continue;
            }
            var qualified = $"{ArchiveModel.Archive}.{ArchiveModel.Q(table.Name)}";
            if (!columns.TryGetValue((ArchiveModel.Archive, table.Name), out var archived))
            {
                await conn.ExecuteAsync($"create table {qualified} (like {ArchiveModel.Live}.{ArchiveModel.Q(table.Name)})", ct);
                if (table.Name is "experiments" or "runs")
                {
                    // As V2 made them: when a row moved.
                    await conn.ExecuteAsync($"alter table {qualified} add column archived_at timestamptz not null default now()", ct);
                }
                // The columns an experiment's archived rows are found by (each parent key and link), so restore and the counts need no scan.
                foreach (var index in LookupColumns(table).DistinctBy(i => string.Join(",", i)))
                {
                    await conn.ExecuteAsync($"create index on {qualified} ({string.Join(", ", index.Select(ArchiveModel.Q))})", ct);
                }
                if (analytics) await conn.ExecuteAsync($"grant select on {qualified} to mlflow_analytics", ct);
                changes.Add($"created {ArchiveModel.Archive}.{table.Name} like {ArchiveModel.Live}.{table.Name}{(table.Known ? "" : " (a table no MLflow release this dbops knows has)")}");
                continue;
            }
            var have = archived.ToDictionary(c => c.Name, StringComparer.Ordinal);
            foreach (var c in live)
            {
                if (!have.TryGetValue(c.Name, out var twin))
                {
                    var withDefault = c.Default is null ? "" : $" default {c.Default}";
                    await conn.ExecuteAsync($"alter table {qualified} add column {ArchiveModel.Q(c.Name)} {c.Type}{withDefault}", ct);
                    changes.Add($"added {ArchiveModel.Archive}.{table.Name}.{c.Name} {c.Type}{withDefault}");
                }
                else if (twin.Type != c.Type)
                {
                    await conn.ExecuteAsync($"alter table {qualified} alter column {ArchiveModel.Q(c.Name)} type {c.Type} using {ArchiveModel.Q(c.Name)}::{c.Type}", ct);
                    changes.Add($"changed {ArchiveModel.Archive}.{table.Name}.{c.Name} from {twin.Type} to {c.Type}");
                }
            }
        }
        return changes;
    }

    private static IEnumerable<string[]> LookupColumns(ArchivedTable table)
    {
        foreach (var k in table.Parents) yield return k.Columns;
        switch (table.Name)
        {
            case "inputs": yield return ["destination_id"]; yield return ["source_id"]; break;
            case "input_tags": yield return ["input_uuid"]; break;
            case "entity_associations": yield return ["source_id"]; yield return ["destination_id"]; break;
        }
    }
}
