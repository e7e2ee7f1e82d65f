using Dbops.Bench.Workload;
using Dbops.Data;

namespace Dbops.Tests.Ops;

/// <summary>The synthetic workload: reproducible, consistent the way MLflow keeps its tables, and shaped as asked.</summary>
[Collection(LocalPostgresCollection.Name)]
public class WorkloadTests(LocalPostgres pg)
{
    private static readonly string[] Tables = [.. WorkloadGenerator.BulkTables, "registered_models", "model_versions", .. GenAiContent.Tables];

    private static async Task<Dictionary<string, string>> DigestsAsync(ScratchDatabase db)
    {
        var d = new Dictionary<string, string>();
        foreach (var t in Tables)
        {
            if (await db.ScalarAsync<bool>($"select to_regclass('public.{t}') is null")) continue;
            d[t] = await db.ScalarAsync<string>($"select count(*) || ' ' || coalesce(md5(string_agg(md5(x::text), '' order by md5(x::text))), '-') from {t} x");
        }
        return d;
    }

    [Theory]
    [MemberData(nameof(LocalPostgres.Releases), MemberType = typeof(LocalPostgres))]
    public async Task The_same_seed_and_now_give_the_same_rows_and_another_seed_other_rows(string release)
    {
        var spec = Workloads.Small(seed: 5) with { NowMs = 1_780_000_000_000 };
        var a = await pg.CreateDatabaseAsync(release);
        var b = await pg.CreateDatabaseAsync(release);
        var c = await pg.CreateDatabaseAsync(release);

        await Workloads.FillAsync(a, spec);
        await Workloads.FillAsync(b, spec);
        await Workloads.FillAsync(c, spec with { Seed = 6 });

        var da = await DigestsAsync(a);
        Assert.Equal(da, await DigestsAsync(b));
        Assert.NotEqual(da["metrics"], (await DigestsAsync(c))["metrics"]);
    }

    [Theory]
    [MemberData(nameof(LocalPostgres.Releases), MemberType = typeof(LocalPostgres))]
    public async Task Latest_metrics_hold_each_run_and_key_at_its_highest_step_as_mlflow_keeps_them(string release)
    {
        var db = await pg.CreateDatabaseAsync(release);
        await Workloads.FillAsync(db, Workloads.Small());

        Assert.Equal(
            await db.ScalarAsync<long>("select count(*) from (select distinct run_uuid, key from metrics) x"),
            await db.ScalarAsync<long>("select count(*) from latest_metrics"));
        Assert.Equal(0, await db.ScalarAsync<long>(
            """
            select count(*) from latest_metrics l
            where not exists (select 1 from metrics m where m.run_uuid = l.run_uuid and m.key = l.key and m.step = l.step
                                and m.value = l.value and m.timestamp = l.timestamp and m.is_nan = l.is_nan)
               or exists (select 1 from metrics m where m.run_uuid = l.run_uuid and m.key = l.key and m.step > l.step)
            """));
        // Many steps per key, and every metric belongs to a run.
        Assert.True(await db.ScalarAsync<double>("select avg(n) from (select count(*) as n from metrics group by run_uuid, key) x") > 5);
        Assert.Equal(0, await db.ScalarAsync<long>("select count(*) from metrics m where not exists (select 1 from runs r where r.run_uuid = m.run_uuid)"));
    }

    [Theory]
    [MemberData(nameof(LocalPostgres.Releases), MemberType = typeof(LocalPostgres))]
    public async Task The_scale_and_the_idle_share_are_what_the_spec_asks_and_mlflows_schema_is_intact(string release)
    {
        var db = await pg.CreateDatabaseAsync(release);
        var indexesBefore = await db.ColumnAsync<string>("select indexdef from pg_indexes where schemaname = 'public' order by indexname");
        var spec = Workloads.Small();

        await Workloads.FillAsync(db, spec);

        Assert.Equal(spec.Runs, await db.ScalarAsync<long>("select count(*) from runs"));
        Assert.InRange(await db.ScalarAsync<long>("select count(*) from metrics"), spec.MetricRows * 0.85, spec.MetricRows * 1.15);
        // Runs in experiments with no activity in 90 days: the archive window's third.
        var idleShare = await db.ScalarAsync<double>(
            """
            with a as (select experiment_id, max(greatest(start_time, end_time, deleted_time)) as t from runs group by 1)
            select sum(case when a.t < (extract(epoch from now()) * 1000)::bigint - 90 * 86400000::bigint then 1 else 0 end)::float8 / count(*)
            from runs r join a using (experiment_id)
            """);
        Assert.InRange(idleShare, 0.28, 0.34);
        Assert.InRange(await db.ScalarAsync<double>("select avg((lifecycle_stage = 'deleted')::int) from runs"), 0.01, 0.06);
        Assert.True(await db.ScalarAsync<long>("select count(*) from params where length(value) > 1000") > 0, "some params are long texts, as logged configs are");
        Assert.Equal(indexesBefore, await db.ColumnAsync<string>("select indexdef from pg_indexes where schemaname = 'public' order by indexname"));
        Assert.Equal(0, await db.ScalarAsync<long>("select count(*) from pg_constraint where not convalidated"));
    }

    [Theory]
    [MemberData(nameof(LocalPostgres.Releases), MemberType = typeof(LocalPostgres))]
    public async Task Traces_logged_models_run_outputs_and_associations_fill_the_tables_the_release_has(string release)
    {
        var db = await pg.CreateDatabaseAsync(release);
        var spec = Workloads.Small();
        var model = await Workloads.FillAsync(db, spec);
        var tables = Dbops.Data.MlflowReleases.ByName(release)!.Tables.Select(t => t.Name).ToHashSet();

        // Every table the generator knows and the release has holds rows; 2.17.2 has traces alone.
        foreach (var t in GenAiContent.Tables.Where(tables.Contains))
        {
            Assert.True(await db.ScalarAsync<long>($"select count(*) from {t}") > 0, $"{t} is empty on {release}");
        }
        Assert.Equal(model.Experiments.Count * GenAiContent.TracesPerExperiment, await db.ScalarAsync<long>("select count(*) from trace_info"));
        // A trace names an existing run of its own experiment, and is no older than that run.
        Assert.Equal(0, await db.ScalarAsync<long>(
            """
            select count(*) from trace_request_metadata m join trace_info t using (request_id)
            left join runs r on r.run_uuid = m.value and r.experiment_id = t.experiment_id
            where m.key = 'mlflow.sourceRun' and (r.run_uuid is null or t.timestamp_ms < r.start_time)
            """));
        if (!tables.Contains("logged_models"))
        {
            Assert.DoesNotContain("spans", tables);
            return;
        }
        // Inputs whose source is a run (RUN_OUTPUT), each a model's, beside the DATASET -> RUN inputs.
        Assert.Equal(await db.ScalarAsync<long>("select count(*) from logged_models"), await db.ScalarAsync<long>(
            """
            select count(*) from inputs i join runs r on r.run_uuid = i.source_id join logged_models m on m.model_id = i.destination_id and m.source_run_id = r.run_uuid
            where i.source_type = 'RUN_OUTPUT' and i.destination_type = 'MODEL_OUTPUT'
            """));
        Assert.True(await db.ScalarAsync<long>("select count(*) from inputs where source_type = 'DATASET' and destination_type = 'RUN'") > 0);
        // Associations without a foreign key point at what exists: a trace and a run, a dataset and an experiment.
        Assert.Equal(0, await db.ScalarAsync<long>(
            """
            select count(*) from entity_associations a
            where not (a.source_type = 'trace' and a.destination_type = 'run'
                       and exists (select 1 from trace_info where request_id = a.source_id) and exists (select 1 from runs where run_uuid = a.destination_id))
              and not (a.source_type = 'evaluation_dataset' and a.destination_type = 'experiment'
                       and exists (select 1 from evaluation_datasets where dataset_id = a.source_id) and exists (select 1 from experiments where experiment_id::text = a.destination_id))
            """));
        Assert.Equal(2 * await db.ScalarAsync<long>("select count(*) from trace_info"), await db.ScalarAsync<long>("select count(*) from spans"));
    }
}
