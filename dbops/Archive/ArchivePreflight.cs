using Dbops.Ops;
using Npgsql;

namespace Dbops.Archive;

/// <summary>
/// What must hold before a row moves, checked before the first batch: the archive schema
/// exists (dbops migrate), every live column has a place in the archive (an MLflow upgrade
/// that added a column needs a migration first, or the move would drop its values), and no
/// table this build does not know refers to experiments or runs (a newer MLflow's table
/// would block the move, or with ON DELETE CASCADE silently lose rows).
/// </summary>
internal static class ArchivePreflight
{
    /// <summary>Each table's live column names, in order: what a move copies.</summary>
    public static async Task<IReadOnlyDictionary<string, string[]>> CheckAsync(NpgsqlConnection conn, CancellationToken ct)
    {
        var columns = new Dictionary<string, (List<string> Live, HashSet<string> Archived)>(StringComparer.Ordinal);
        await using (var cmd = new NpgsqlCommand(
            """
            select n.nspname::text, c.relname::text, a.attname::text
            from pg_attribute a join pg_class c on c.oid = a.attrelid join pg_namespace n on n.oid = c.relnamespace
            where n.nspname in ('public', 'mlflow_archive') and c.relkind = 'r' and c.relname = any($1)
              and a.attnum > 0 and not a.attisdropped
            order by n.nspname, c.relname, a.attnum
            """, conn))
        {
            cmd.Parameters.Add(new NpgsqlParameter { Value = ArchiveTables.All.Select(t => t.Name).ToArray() });
            await using var r = await cmd.ExecuteReaderAsync(ct);
            while (await r.ReadAsync(ct))
            {
                var (schema, table, column) = (r.GetString(0), r.GetString(1), r.GetString(2));
                if (!columns.TryGetValue(table, out var entry)) columns[table] = entry = ([], new HashSet<string>(StringComparer.Ordinal));
                if (schema == ArchiveTables.Live) entry.Live.Add(column);
                else entry.Archived.Add(column);
            }
        }
        var problems = new List<string>();
        var noArchive = ArchiveTables.All.Where(t => !columns.TryGetValue(t.Name, out var e) || e.Archived.Count == 0).Select(t => t.Name).ToArray();
        if (noArchive.Length > 0)
        {
            throw new OpsException($"the archive schema is missing ({ArchiveTables.Archive}.{string.Join(", ", noArchive)}): run dbops migrate first");
        }
        var noLive = ArchiveTables.All.Where(t => columns[t.Name].Live.Count == 0).Select(t => t.Name).ToArray();
        if (noLive.Length > 0) throw new OpsException($"MLflow tables missing: {string.Join(", ", noLive)}");
        foreach (var (table, (live, archived)) in columns)
        {
            var missing = live.Where(c => !archived.Contains(c)).ToArray();
            if (missing.Length > 0)
            {
                problems.Add($"{ArchiveTables.Archive}.{table} lacks column(s) {string.Join(", ", missing)} that public.{table} has (an MLflow upgrade?): add them with a new migration before archiving");
            }
        }
        await using (var cmd = new NpgsqlCommand(
            """
            select c.conrelid::regclass::text, c.conname::text, c.confrelid::regclass::text
            from pg_constraint c
            where c.contype = 'f' and c.confrelid in ('public.experiments'::regclass, 'public.runs'::regclass)
              and c.conrelid not in (select ('public.' || t)::regclass from unnest($1::text[]) as t)
            order by 1, 2
            """, conn))
        {
            cmd.Parameters.Add(new NpgsqlParameter { Value = ArchiveTables.All.Select(t => t.Name).ToArray() });
            await using var r = await cmd.ExecuteReaderAsync(ct);
            while (await r.ReadAsync(ct))
            {
                problems.Add($"{r.GetString(0)} refers to {r.GetString(2)} ({r.GetString(1)}) and this dbops does not know how to archive it: archiving could fail or lose its rows; upgrade dbops");
            }
        }
        if (problems.Count > 0) throw new OpsException(string.Join(Environment.NewLine, problems));
        return columns.ToDictionary(c => c.Key, c => c.Value.Live.ToArray(), StringComparer.Ordinal);
    }
}
