using Npgsql;

namespace Dbops.Bench.Workload;

/// <summary>
/// Loads the way pg_restore does: the tables' keys, foreign keys and indexes are taken off
/// before COPY and put back afterwards, each with its exact definition read from the
/// catalogue, so the schema ends as it began (MLflow's indexes, names and all) and building
/// an index once is much cheaper than maintaining it row by row.
/// </summary>
internal sealed class BulkLoad
{
    private sealed record Constraint(string Table, string Name, char Type, string Definition);

    private sealed record Index(string Name, string Definition);

    private readonly List<Constraint> constraints;
    private readonly List<Index> indexes;

    private BulkLoad(List<Constraint> constraints, List<Index> indexes)
    {
        this.constraints = constraints;
        this.indexes = indexes;
    }

    public int ConstraintCount => constraints.Count;
    public int IndexCount => indexes.Count;

    /// <summary>Reads the definitions, then drops foreign keys, keys and indexes of <paramref name="tables"/> (and foreign keys pointing at them).</summary>
    public static async Task<BulkLoad> DropAsync(NpgsqlConnection conn, IReadOnlyList<string> tables, CancellationToken ct)
    {
        var constraints = new List<Constraint>();
        await using (var cmd = new NpgsqlCommand(
            """
            select conrelid::regclass::text, conname::text, contype::text, pg_get_constraintdef(oid)
            from pg_constraint
            where contype in ('p', 'u', 'f') and (conrelid = any($1::regclass[]) or confrelid = any($1::regclass[]))
            order by contype, conname
            """, conn))
        {
            cmd.Parameters.Add(new NpgsqlParameter { Value = tables.ToArray() });
            await using var r = await cmd.ExecuteReaderAsync(ct);
            while (await r.ReadAsync(ct)) constraints.Add(new Constraint(r.GetString(0), r.GetString(1), r.GetString(2)[0], r.GetString(3)));
        }
        var indexes = new List<Index>();
        await using (var cmd = new NpgsqlCommand(
            """
            select i.indexrelid::regclass::text, pg_get_indexdef(i.indexrelid)
            from pg_index i
            where i.indrelid = any($1::regclass[])
              and not exists (select 1 from pg_constraint c where c.conindid = i.indexrelid and c.contype in ('p', 'u'))
            order by 1
            """, conn))
        {
            cmd.Parameters.Add(new NpgsqlParameter { Value = tables.ToArray() });
            await using var r = await cmd.ExecuteReaderAsync(ct);
            while (await r.ReadAsync(ct)) indexes.Add(new Index(r.GetString(0), r.GetString(1)));
        }
        // Foreign keys first: a key cannot go while one refers to it.
        foreach (var c in constraints.Where(c => c.Type == 'f').Concat(constraints.Where(c => c.Type != 'f')))
        {
            await ExecuteAsync(conn, $"alter table {c.Table} drop constraint {Quote(c.Name)}", ct);
        }
        foreach (var i in indexes) await ExecuteAsync(conn, $"drop index {i.Name}", ct);
        return new BulkLoad(constraints, indexes);
    }

    /// <summary>Keys, then indexes, then foreign keys (which need the keys they refer to).</summary>
    public async Task RestoreAsync(NpgsqlConnection conn, CancellationToken ct)
    {
        await ExecuteAsync(conn, "set maintenance_work_mem = '512MB'", ct);
        foreach (var c in constraints.Where(c => c.Type != 'f'))
        {
            await ExecuteAsync(conn, $"alter table {c.Table} add constraint {Quote(c.Name)} {c.Definition}", ct);
        }
        foreach (var i in indexes) await ExecuteAsync(conn, i.Definition, ct);
        foreach (var c in constraints.Where(c => c.Type == 'f'))
        {
            await ExecuteAsync(conn, $"alter table {c.Table} add constraint {Quote(c.Name)} {c.Definition}", ct);
        }
    }

    private static string Quote(string identifier) => "\"" + identifier.Replace("\"", "\"\"", StringComparison.Ordinal) + "\"";

    private static async Task ExecuteAsync(NpgsqlConnection conn, string sql, CancellationToken ct)
    {
        await using var cmd = new NpgsqlCommand(sql, conn) { CommandTimeout = 0 };
        await cmd.ExecuteNonQueryAsync(ct);
    }
}
