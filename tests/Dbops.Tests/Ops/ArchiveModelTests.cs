using Dbops.Archive;
using Dbops.Data;
using Dbops.Verify.Postgres;

namespace Dbops.Tests.Ops;

/// <summary>The data model the archive derives from a catalog: which tables belong to experiments, in which order they move, what points in from outside, what it cannot place.</summary>
public class ArchiveModelTests
{
    /// <summary>A release's schema as the catalog would report it, from the facts (MlflowReleases).</summary>
    private static ArchiveModel Of(MlflowRelease release, params ForeignKey[] extra)
    {
        var keys = release.Tables.SelectMany(t => t.ForeignKeys.Select(k => new ForeignKey(k.Name, t.Name, k.Columns, k.References, k.ReferencedColumns, k.OnDelete))).Concat(extra).ToArray();
        var columns = release.Tables.ToDictionary(t => t.Name, t => t.Columns.ToHashSet(StringComparer.Ordinal));
        foreach (var k in extra) columns.TryAdd(k.Table, [.. k.Columns]);
        return ArchiveModel.Derive(keys, columns);
    }

    [Fact]
    public void On_each_release_every_table_with_a_key_into_an_experiments_rows_is_archived_and_nothing_of_the_registry_or_the_gateway()
    {
        foreach (var release in MlflowReleases.Known)
        {
            var model = Of(release);
            var names = model.Tables.Select(t => t.Name).ToHashSet();
            Assert.Empty(model.Problems);
            Assert.Superset(new HashSet<string> { "experiments", "runs", "metrics", "latest_metrics", "params", "tags", "experiment_tags", "datasets", "inputs", "input_tags", "trace_info", "trace_tags", "trace_request_metadata" }, names);
            Assert.DoesNotContain("registered_models", names);
            Assert.DoesNotContain("model_versions", names);
            Assert.DoesNotContain("endpoints", names);
            Assert.DoesNotContain("guardrails", names);
            Assert.DoesNotContain("evaluation_datasets", names);
            Assert.All(model.Tables, t => Assert.True(t.Known, $"{release}: {t.Name}"));
            // Children before parents: no table comes after a table it points at.
            var position = model.Tables.Select((t, i) => (t.Name, i)).ToDictionary(x => x.Name, x => x.i);
            foreach (var t in model.Tables)
            {
                foreach (var p in t.Parents) Assert.True(position[t.Name] < position[p.References], $"{release}: {t.Name} moves after its parent {p.References}");
            }
            Assert.True(position["input_tags"] < position["inputs"]);
            Assert.Equal("experiments", model.Tables[^1].Name);
        }
        var newest = Of(MlflowReleases.Newest);
        Assert.Superset(new HashSet<string> { "spans", "assessments", "logged_models", "logged_model_metrics", "logged_model_params", "logged_model_tags", "scorers", "scorer_versions", "online_scoring_configs", "issues", "entity_associations", "span_metrics", "trace_metrics" },
            newest.Tables.Select(t => t.Name).ToHashSet());
        Assert.Equal(["endpoints.fk_endpoints_experiment_id", "guardrails.fk_guardrails_scorer_version"],
            newest.Referrers.Select(r => $"{r.Key.Table}.{r.Key.Name}").Order().ToArray());
    }

    [Fact]
    public void A_run_batch_moves_what_points_at_runs_and_an_experiment_pass_the_rest()
    {
        var model = Of(MlflowReleases.Newest);
        Assert.Equal("\"metrics\".\"run_uuid\" = any($1)", model.Owned("metrics", ArchiveModel.Live, ArchiveKeys.Runs));
        Assert.Equal("false", model.Owned("trace_info", ArchiveModel.Live, ArchiveKeys.Runs));
        Assert.Equal("\"trace_info\".\"experiment_id\" = any($1)", model.Owned("trace_info", ArchiveModel.Live, ArchiveKeys.Experiments));
        Assert.Contains("\"inputs\".\"source_type\" in ('RUN_INPUT', 'RUN_OUTPUT') and \"inputs\".\"source_id\" = any($1)", model.Owned("inputs", ArchiveModel.Live, ArchiveKeys.Runs));
        Assert.Contains("logged_model_metrics", model.RunLevel.Select(t => t.Name));
        Assert.Contains("issues", model.RunLevel.Select(t => t.Name));
        Assert.DoesNotContain("spans", model.RunLevel.Select(t => t.Name));
        Assert.Contains("mlflow_archive.\"trace_info\" p1", model.Owned("spans", ArchiveModel.Archive, ArchiveKeys.Experiments));
    }

    [Fact]
    public void Experiments_without_runs_are_named_without_looking_through_runs()
    {
        foreach (var release in MlflowReleases.Known)
        {
            var model = Of(release);
            string Runless(string t) => model.Owned(t, ArchiveModel.Live, ArchiveKeys.RunlessExperiments);
            // Reached only through runs: nothing of theirs can belong to an experiment that has no runs.
            foreach (var t in new[] { "runs", "metrics", "params", "tags", "latest_metrics" }) Assert.Equal("false", Runless(t));
            // Everything else keeps its condition, with no sub-select of runs in it.
            foreach (var t in model.Tables.Where(t => Runless(t.Name) != "false"))
            {
                Assert.DoesNotContain("public.\"runs\"", Runless(t.Name));
                Assert.Equal(Runless(t.Name) == "false", model.Owned(t.Name, ArchiveModel.Live, ArchiveKeys.Experiments) == "false");
            }
            Assert.Equal("\"experiments\".\"experiment_id\" = any($1)", Runless("experiments"));
            Assert.Equal("\"experiment_tags\".\"experiment_id\" = any($1)", Runless("experiment_tags"));
        }
        var newest = Of(MlflowReleases.Newest);
        // A logged model's inputs, a trace's associations and a model's metrics still move with their experiment.
        Assert.Contains("public.\"logged_models\"", newest.Owned("inputs", ArchiveModel.Live, ArchiveKeys.RunlessExperiments));
        Assert.Contains("public.\"runs\"", newest.Owned("inputs", ArchiveModel.Live, ArchiveKeys.Experiments));
        Assert.Contains("public.\"trace_info\"", newest.Owned("entity_associations", ArchiveModel.Live, ArchiveKeys.RunlessExperiments));
        Assert.Contains("\"logged_model_metrics\".\"experiment_id\" = any($1)", newest.Owned("logged_model_metrics", ArchiveModel.Live, ArchiveKeys.RunlessExperiments));
    }

    [Fact]
    public void A_foreign_key_cycle_is_named_and_the_rest_still_derived()
    {
        var model = Of(MlflowReleases.Newest,
            new ForeignKey("a_run_fkey", "notes_a", ["run_uuid"], "runs", ["run_uuid"], "CASCADE"),
            new ForeignKey("a_b_fkey", "notes_a", ["b_id"], "notes_b", ["id"], "NO ACTION"),
            new ForeignKey("b_a_fkey", "notes_b", ["a_id"], "notes_a", ["id"], "NO ACTION"));

        Assert.Equal(2, model.Problems.Count);
        Assert.StartsWith("notes_a is in a cycle of foreign keys (notes_a.a_b_fkey (b_id) -> notes_b (id), on delete no action): dbops cannot order its move", model.Problems[0]);
        Assert.DoesNotContain("notes_a", model.Tables.Select(t => t.Name));
        Assert.Contains("metrics", model.Tables.Select(t => t.Name));
    }

    [Fact]
    public void A_new_table_of_unknown_meaning_is_derived_from_its_key_and_marked_unknown()
    {
        var model = Of(MlflowReleases.Newest,
            new ForeignKey("fk_span_notes_span", "span_notes", ["trace_id", "span_id"], "spans", ["trace_id", "span_id"], "CASCADE"),
            new ForeignKey("fk_run_links_run", "run_links", ["run_id"], "runs", ["run_uuid"], "SET NULL"));

        Assert.Equal(["span_notes"], model.Unknown.Select(t => t.Name).ToArray());
        Assert.Equal("exists (select 1 from public.\"spans\" p1 where p1.\"trace_id\" = \"span_notes\".\"trace_id\" and p1.\"span_id\" = \"span_notes\".\"span_id\" and (p1.\"experiment_id\" = any($1) or exists (select 1 from public.\"trace_info\" p2 where p2.\"request_id\" = p1.\"trace_id\" and p2.\"experiment_id\" = any($1))))",
            model.Owned("span_notes", ArchiveModel.Live, ArchiveKeys.Experiments));
        // Reached only by a key that survives the run's deletion: it refers to the run, it does not belong to it.
        Assert.Contains(model.Referrers, r => r.Key.Table == "run_links" && r.Why == "run_links outlives what it points at (on delete set null)");
    }
}
