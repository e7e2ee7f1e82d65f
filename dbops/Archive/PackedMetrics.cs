using Dbops.Data;
using Npgsql;

namespace Dbops.Archive;

/// <summary>
/// The archive's metrics, packed: one row of <c>mlflow_archive.metric_series</c> per run and key, each other
/// live column an array (<c>value double precision[]</c>, <c>timestamp bigint[]</c>, <c>step bigint[]</c>,
/// <c>is_nan boolean[]</c>), element i of every array being one logged step. A metric row is ~70 bytes of
/// data under ~28 bytes of PostgreSQL's own (tuple header, item pointer) plus an index entry; packed, a step
/// costs its 25 bytes of values and the series' overhead is shared by all its steps. TOAST compression (lz4 or
/// pglz) was measured on the packed arrays and saves nothing worth having (the values are random doubles,
/// the rows mostly under the 2 KB threshold): docs/benchmarks/2026-12-02-bench-archive.md.
///
/// <c>mlflow_archive.metrics</c> is a view that unpacks the series into the live table's columns, so readers
/// (analytics, restore, the tests' digests) see the rows as they were, one per step. The series follows the
/// live schema as the other twins do: a column MLflow adds to metrics becomes an array filled, for the series
/// archived before, with MLflow's default (what its migration gave the live rows), a changed type changes the
/// arrays' type, nothing is dropped. The V2 migration made <c>mlflow_archive.metrics</c> a plain table: the first
/// archive or restore after this change converts its rows into series (one statement, counted, in the schema
/// transaction) and replaces it with the view.
/// </summary>
internal static class PackedMetrics
{
    public const string Table = "metrics";
    public const string Series = "metric_series";

    /// <summary>A series: MLflow's metric history is read per run and key (get_metric_history).</summary>
    public static readonly string[] SeriesKey = ["run_uuid", "key"];

    private static string Qualified => $"{ArchiveModel.Archive}.{ArchiveModel.Q(Series)}";

    /// <summary>Whether the live metrics table has the series key and is_nan, which the steps are counted by (every MLflow release since 1.x has them).</summary>
    public static bool Applies(string table, IEnumerable<string>? live) =>
        table == Table && live is not null && SeriesKey.Append("is_nan").All(live.Contains);

    /// <summary>Brings the series table and its view up to the live columns; converts a V2 plain table. Returns what it changed.</summary>
    public static async Task<IReadOnlyList<string>> SyncAsync(NpgsqlConnection conn, IReadOnlyList<LiveColumn> live, bool analytics, CancellationToken ct)
    {
        var changes = new List<string>();
        var series = await ColumnsOfAsync(conn, Series, ct);
        var liveByName = live.ToDictionary(c => c.Name, StringComparer.Ordinal);
        if (series.Count == 0)
        {
            var keyColumns = SeriesKey.Select(k => $"{ArchiveModel.Q(k)} {liveByName[k].Type} not null");
            var arrays = live.Where(c => !SeriesKey.Contains(c.Name)).Select(c => $"{ArchiveModel.Q(c.Name)} {c.Type}[] not null");
            await conn.ExecuteAsync(
                $"create table {Qualified} ({string.Join(", ", keyColumns.Concat(arrays))}, primary key ({string.Join(", ", SeriesKey.Select(ArchiveModel.Q))}))", ct);
            if (analytics) await conn.ExecuteAsync($"grant select on {Qualified} to mlflow_analytics", ct);
            changes.Add($"created {ArchiveModel.Archive}.{Series}: the archived metrics packed, one row per run and key");
            series = await ColumnsOfAsync(conn, Series, ct);
        }
        var have = series.ToDictionary(c => c.Name, c => c.Type, StringComparer.Ordinal);
        var arrayColumns = series.Where(c => !SeriesKey.Contains(c.Name)).Select(c => c.Name).ToList();
        foreach (var c in live)
        {
            var keyColumn = SeriesKey.Contains(c.Name);
            var type = keyColumn ? c.Type : c.Type + "[]";
            if (!have.TryGetValue(c.Name, out var current))
            {
                // keyColumn cannot be missing: Applies checked the live table has it, and the table was created with it.
                await conn.ExecuteAsync($"alter table {Qualified} add column {ArchiveModel.Q(c.Name)} {type}", ct);
                var fill = c.Default ?? $"null::{c.Type}";
                var filled = await conn.ExecuteAsync(
                    $"update {Qualified} set {ArchiveModel.Q(c.Name)} = array_fill(({fill})::{c.Type}, array[cardinality({ArchiveModel.Q(arrayColumns[0])})])", ct);
                changes.Add($"added {ArchiveModel.Archive}.{Series}.{c.Name} {type} ({filled:N0} series filled with {(c.Default ?? "null")})");
                arrayColumns.Add(c.Name);
            }
            else if (current != type)
            {
                await conn.ExecuteAsync($"alter table {Qualified} alter column {ArchiveModel.Q(c.Name)} type {type} using {ArchiveModel.Q(c.Name)}::{type}", ct);
                changes.Add($"changed {ArchiveModel.Archive}.{Series}.{c.Name} from {current} to {type}");
            }
        }
        series = await ColumnsOfAsync(conn, Series, ct);

        var relkind = await conn.RowsAsync($"select relkind::text from pg_class where oid = to_regclass('{ArchiveModel.Archive}.{Table}')", r => r.GetString(0), ct);
        if (relkind is ["r"])
        {
            // The V2 layout: one row per step. Its columns may lag the live ones (an MLflow upgrade since): a missing one takes the default.
            var old = (await ColumnsOfAsync(conn, Table, ct)).Select(c => c.Name).ToHashSet(StringComparer.Ordinal);
            var source = series.Select(c => old.Contains(c.Name)
                ? ArchiveModel.Q(c.Name)
                : $"({liveByName.GetValueOrDefault(c.Name)?.Default ?? "null"})::{c.Type.TrimEnd('[', ']')} as {ArchiveModel.Q(c.Name)}");
            var rows = await conn.ScalarAsync<long>(
                $"""
                with old as (select {string.Join(", ", source)} from {ArchiveModel.Archive}.{Table}),
                packed as ({Pack("old", series.Select(c => c.Name).ToArray())})
                select count(*) from old
                """, ct);
            await conn.ExecuteAsync($"drop table {ArchiveModel.Archive}.{Table}", ct);
            changes.Add($"converted {ArchiveModel.Archive}.{Table} ({rows:N0} rows, one per step) into {ArchiveModel.Archive}.{Series}, and made {ArchiveModel.Archive}.{Table} a view that unpacks it");
            relkind = [];
        }

        // The view: the live columns in the live order, then any column MLflow has dropped since (its archived values are kept).
        var names = live.Select(c => c.Name).Concat(series.Select(c => c.Name).Where(n => !liveByName.ContainsKey(n))).ToArray();
        var select = string.Join(", ", names.Select(n => SeriesKey.Contains(n) ? $"s.{ArchiveModel.Q(n)}" : $"u.{ArchiveModel.Q(n)}"));
        var arraysNow = series.Where(c => !SeriesKey.Contains(c.Name)).Select(c => c.Name).ToArray();
        var definition =
            $"select {select} from {Qualified} s cross join lateral unnest({string.Join(", ", arraysNow.Select(n => $"s.{ArchiveModel.Q(n)}"))}) " +
            $"as u({string.Join(", ", arraysNow.Select(ArchiveModel.Q))})";
        var viewColumns = relkind is ["v"] ? (await ColumnsOfAsync(conn, Table, ct)).Select(c => c.Name).ToArray() : [];
        if (!viewColumns.SequenceEqual(names))
        {
            if (relkind is ["v"]) await conn.ExecuteAsync($"drop view {ArchiveModel.Archive}.{Table}", ct);
            await conn.ExecuteAsync($"create view {ArchiveModel.Archive}.{Table} as {definition}", ct);
            if (analytics) await conn.ExecuteAsync($"grant select on {ArchiveModel.Archive}.{Table} to mlflow_analytics", ct);
            if (relkind is ["v"]) changes.Add($"recreated the view {ArchiveModel.Archive}.{Table} with the columns {string.Join(", ", names)}");
            else if (!changes.Any(c => c.StartsWith("converted", StringComparison.Ordinal))) changes.Add($"created the view {ArchiveModel.Archive}.{Table}, which unpacks {ArchiveModel.Archive}.{Series}");
        }
        return changes;
    }

    /// <summary>
    /// An INSERT of the rows of <paramref name="source"/> (a CTE with the series' columns) into the series, grouped by
    /// run and key; a series already archived (a move that found more steps of it) gets them appended. All the arrays
    /// of a row are built by one aggregate node from the same input, so element i of each is the same step; the sorted
    /// input only makes the arrays read in step order.
    /// </summary>
    internal static string Pack(string source, string[] columns)
    {
        var arrays = columns.Where(c => !SeriesKey.Contains(c)).ToArray();
        var key = string.Join(", ", SeriesKey.Select(ArchiveModel.Q));
        var order = key + string.Concat(new[] { "step", "timestamp" }.Where(columns.Contains).Select(c => ", " + ArchiveModel.Q(c)));
        return $"""
            insert into {Qualified} ({key}, {string.Join(", ", arrays.Select(ArchiveModel.Q))})
            select {key}, {string.Join(", ", arrays.Select(a => $"array_agg({ArchiveModel.Q(a)})"))}
            from (select * from {source} order by {order}) sorted group by {key}
            on conflict ({key}) do update set {string.Join(", ", arrays.Select(a => $"{ArchiveModel.Q(a)} = {Series}.{ArchiveModel.Q(a)} || excluded.{ArchiveModel.Q(a)}"))}
            """;
    }

    /// <summary>Moves the live metric rows matching <paramref name="predicate"/> into the series in one statement; returns the rows (steps) moved.</summary>
    public static async Task<long> MoveAsync<T>(NpgsqlConnection conn, string predicate, string[] liveColumns, T[] keys, CancellationToken ct)
    {
        var list = string.Join(", ", liveColumns.Select(ArchiveModel.Q));
        return await conn.ScalarAsync<long>(
            $"""
            with moved as (delete from {ArchiveModel.Live}.{ArchiveModel.Q(Table)} where {predicate} returning {list}),
            packed as ({Pack("moved", liveColumns)})
            select count(*) from moved
            """, ct, (object)keys);
    }

    /// <summary>The archived rows (steps) matching <paramref name="predicate"/>, counted from the series without unpacking them.
    /// The series is named as the table it packs: the predicate's columns are qualified by that name (<see cref="ArchiveModel.Owned"/>).</summary>
    public static string CountSql(string predicate) => $"(select coalesce(sum(cardinality({Counted})), 0)::bigint from {Qualified} {ArchiveModel.Q(Table)} where {predicate})";

    /// <summary>Deletes the series matching <paramref name="predicate"/>; returns the rows (steps) they held.</summary>
    public static Task<long> DeleteAsync(NpgsqlConnection conn, string predicate, object keys, CancellationToken ct) =>
        conn.ScalarAsync<long>($"with gone as (delete from {Qualified} {ArchiveModel.Q(Table)} where {predicate} returning cardinality({Counted}) n) select coalesce(sum(n), 0)::bigint from gone", ct, keys);

    /// <summary>The smallest array to count steps by (one byte an element): is_nan, in every release.</summary>
    private static string Counted => ArchiveModel.Q("is_nan");

    private static async Task<List<(string Name, string Type)>> ColumnsOfAsync(NpgsqlConnection conn, string relation, CancellationToken ct) =>
        await conn.RowsAsync(
            $"""
            select a.attname::text, format_type(a.atttypid, a.atttypmod) from pg_attribute a
            where a.attrelid = to_regclass('{ArchiveModel.Archive}.{ArchiveModel.Q(relation)}') and a.attnum > 0 and not a.attisdropped order by a.attnum
            """, r => (r.GetString(0), r.GetString(1)), ct);
}
