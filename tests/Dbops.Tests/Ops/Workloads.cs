using Dbops.Archive;
using Dbops.Bench.Workload;

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

    /// <summary>
    /// Per archived table, the row count and an order-independent digest of every row, live and
    /// archived together (the live table's columns). Equal before and after means nothing was
    /// lost and nothing duplicated: a duplicate changes the count, a lost or altered row the digest.
    /// </summary>
    public static async Task<Dictionary<string, string>> LiveAndArchivedAsync(ScratchDatabase db)
    {
        var sums = new Dictionary<string, string>();
        foreach (var t in ArchiveTables.All)
        {
            var columns = await db.ColumnAsync<string>(
                $"select quote_ident(column_name) from information_schema.columns where table_schema = 'public' and table_name = '{t.Name}' order by ordinal_position");
            var row = $"md5(row({string.Join(", ", columns)})::text)";
            sums[t.Name] = await db.ScalarAsync<string>(
                $"""
                select count(*) || ' ' || coalesce(md5(string_agg(h, '' order by h)), '-')
                from (select {row} as h from public.{t.Name} union all select {row} from mlflow_archive.{t.Name}) x
                """);
        }
        return sums;
    }
}
