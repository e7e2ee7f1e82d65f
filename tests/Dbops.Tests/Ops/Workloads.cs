using Dbops.Archive;
using Dbops.Bench.Workload;
using Dbops.Data;
using Npgsql;

namespace Dbops.Tests.Ops;

/// <summary>Small synthetic workloads for the operations tests, and checksums of what they hold.</summary>
internal static class Workloads
{
    /// <summary>A few hundred runs: enough experiments and batches to exercise archival, small enough to build in a second.</summary>
    public static WorkloadSpec Small(int seed = 11) => new()
    {
        Seed = seed,
        Runs = 600,
        Experiments = 14,
        MetricRows = 30_000,
        NowMs = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds(),
    };

    public static async Task<WorkloadModel> FillAsync(ScratchDatabase db, WorkloadSpec spec)
    {
        await using var ds = db.Target.OpenDataSource("test generate");
        await new WorkloadGenerator(ds, TextWriter.Null).GenerateAsync(spec, CancellationToken.None);
        return new WorkloadModel(spec);
    }

    /// <summary>
    /// The experiments archival must move, known from how the workload was made rather than
    /// from the archiver's own query: the idle ones, but the one whose run backs a model version.
    /// </summary>
    public static int[] Idle(WorkloadModel model)
    {
        var referenced = model.Experiments.Where(e => e.Stale).OrderBy(e => e.RunCount).ThenBy(e => e.Id).First().Id;
        return model.Experiments.Where(e => e.Stale && e.Id != referenced).Select(e => e.Id).ToArray();
    }

    /// <summary>The archive's view of the database's data model (which tables belong to experiments), read as dbops archive reads it.</summary>
    public static async Task<ArchiveModel> ModelAsync(ScratchDatabase db)
    {
        await using var conn = await db.OpenAsync();
        return await ArchiveModel.LoadAsync(conn, CancellationToken.None);
    }

    /// <summary>
    /// Per archived table, the row count and an order-independent digest of every row, live and
    /// archived together (the live table's columns). Equal before and after means nothing was
    /// lost and nothing duplicated: a duplicate changes the count, a lost or altered row the digest.
    /// Before the first archive, a table without an archive twin yet counts its live rows alone.
    /// </summary>
    public static Task<Dictionary<string, string>> LiveAndArchivedAsync(ScratchDatabase db) => DigestAsync(db, withArchive: true);

    /// <summary>The same digests of the live tables alone: equal before an archive and after restoring all it moved means every row came back as it was.</summary>
    public static Task<Dictionary<string, string>> LiveAsync(ScratchDatabase db) => DigestAsync(db, withArchive: false);

    private static async Task<Dictionary<string, string>> DigestAsync(ScratchDatabase db, bool withArchive)
    {
        var sums = new Dictionary<string, string>();
        foreach (var t in (await ModelAsync(db)).Tables)
        {
            var columns = await db.ColumnAsync<string>(
                $"select quote_ident(column_name) from information_schema.columns where table_schema = 'public' and table_name = '{t.Name}' order by ordinal_position");
            var row = $"md5(row({string.Join(", ", columns)})::text)";
            var archived = withArchive && await db.ScalarAsync<bool>($"select to_regclass('mlflow_archive.{t.Name}') is not null");
            sums[t.Name] = await db.ScalarAsync<string>(
                $"""
                select count(*) || ' ' || coalesce(md5(string_agg(h, '' order by h)), '-')
                from (select {row} as h from public.{t.Name}{(archived ? $" union all select {row} from mlflow_archive.{t.Name}" : "")}) x
                """);
        }
        return sums;
    }

    /// <summary>
    /// Live rows that still point at an archived experiment or run, per foreign key and per MLflow link
    /// without one, found from the catalog and MLflow's link spellings independently of the archiver's own
    /// predicates: every foreign key of public into experiments or runs, and inputs / entity_associations by id.
    /// </summary>
    public static async Task<Dictionary<string, long>> PointingAtArchivedAsync(ScratchDatabase db)
    {
        var found = new Dictionary<string, long>();
        var keys = await db.RowsAsync(
            """
            select c.conname::text, t.relname::text, p.relname::text, a.attname::text
            from pg_constraint c join pg_class t on t.oid = c.conrelid join pg_class p on p.oid = c.confrelid
            join pg_attribute a on a.attrelid = c.conrelid and a.attnum = c.conkey[1]
            where c.contype = 'f' and t.relnamespace = 'public'::regnamespace and p.relname in ('experiments', 'runs') and p.relnamespace = 'public'::regnamespace
            """, r => (Name: r.GetString(0), Table: r.GetString(1), Parent: r.GetString(2), Column: r.GetString(3)));
        foreach (var k in keys)
        {
            var ids = k.Parent == "experiments" ? "select experiment_id from mlflow_archive.experiments" : "select run_uuid from mlflow_archive.runs";
            found[$"{k.Table}.{k.Name}"] = await db.ScalarAsync<long>($"select count(*) from public.{k.Table} where {k.Column} in ({ids})");
        }
        const string archivedRuns = "select run_uuid from mlflow_archive.runs";
        found["inputs to an archived run"] = await db.ScalarAsync<long>($"select count(*) from public.inputs where destination_type = 'RUN' and destination_id in ({archivedRuns})");
        found["inputs from an archived run"] = await db.ScalarAsync<long>($"select count(*) from public.inputs where source_type in ('RUN_INPUT', 'RUN_OUTPUT') and source_id in ({archivedRuns})");
        if (await db.ScalarAsync<bool>("select to_regclass('public.entity_associations') is not null"))
        {
            foreach (var (type, ids) in new[]
            {
                ("experiment", "select experiment_id::text from mlflow_archive.experiments"), ("run", archivedRuns),
                ("trace", "select request_id from mlflow_archive.trace_info"), ("model", "select model_id from mlflow_archive.logged_models"),
            })
            {
                found[$"entity_associations to or from an archived {type}"] = await db.ScalarAsync<long>(
                    $"select count(*) from public.entity_associations where (source_type = '{type}' and source_id in ({ids})) or (destination_type = '{type}' and destination_id in ({ids}))");
            }
        }
        return found;
    }
}
