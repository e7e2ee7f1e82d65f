using System.Globalization;
using System.Text;
using System.Text.Json.Nodes;
using Dbops.Output;

namespace Dbops.Archive;

/// <summary>
/// <c>dbops archive</c> on <paramref name="target"/>: what it would move (a dry run, or a move it refused)
/// or what it moved and the reconciliation per table.
/// </summary>
public sealed class ArchiveRender(string target, bool dryRun) : IReportRenderer<ArchiveOutcome>
{
    internal const int TableWidth = 26;

    public string Text(ArchiveOutcome o)
    {
        var sb = new StringBuilder();
        var cutoff = DateTimeOffset.FromUnixTimeMilliseconds(o.Candidates.CutoffMs);
        var skipped = o.Candidates.SkippedForModels == 0 ? "" : $"; {o.Candidates.SkippedForModels} more left live because their runs back registered model versions";
        var referenced = o.Candidates.Referenced.Count == 0 ? "" : $"; {o.Candidates.Referenced.Count} more left live because rows outside the archived tables point at them";
        sb.AppendLine(CultureInfo.InvariantCulture, $"archive of {target}: experiments idle since before {cutoff:yyyy-MM-dd HH:mm}Z: {o.Candidates.Experiments.Count}{skipped}{referenced}");
        foreach (var k in o.Candidates.Referenced) sb.AppendLine(CultureInfo.InvariantCulture, $"  experiment {k.ExperimentId} stays live: {k.Why}");
        foreach (var t in o.Model.Unknown)
        {
            var how = t.Parents.Count > 0 ? "by its foreign keys " + string.Join("; ", t.Parents) : "by its links";
            sb.AppendLine(CultureInfo.InvariantCulture, $"{t.Name}: not a table of any MLflow release this dbops knows; archived with the rows it points at, {how}");
        }
        var verb = dryRun || o.Problems.Count > 0 ? "would need" : "followed the live schema";
        foreach (var c in o.SchemaChanges) sb.AppendLine(CultureInfo.InvariantCulture, $"archive schema {verb}: {c}");
        if (o.After is null)
        {
            sb.AppendLine($"  {"table",-TableWidth}  would move   already archived");
            foreach (var p in o.Planned) sb.AppendLine(CultureInfo.InvariantCulture, $"  {p.Table,-TableWidth} {p.Live,11:N0} {p.Archived,18:N0}");
            sb.AppendLine(CultureInfo.InvariantCulture, $"  {"all",-TableWidth} {o.Planned.Sum(p => p.Live),11:N0} {o.Planned.Sum(p => p.Archived),18:N0}");
            foreach (var p in o.Problems) sb.AppendLine($"refused: {p}");
            sb.AppendLine(dryRun ? "--dry-run: nothing moved" : "nothing moved");
            return sb.ToString();
        }
        var seconds = Math.Max(o.Took.TotalSeconds, 0.001);
        sb.AppendLine(CultureInfo.InvariantCulture,
            $"moved {o.ExperimentsArchived} experiments and {o.RowsMoved:N0} rows in {o.Batches} batches, {o.Took.TotalSeconds:0.0} s ({o.RowsMoved / seconds:N0} rows/s)");
        sb.AppendLine("reconciliation, rows of the archived experiments:");
        sb.AppendLine($"  {"table",-TableWidth}  to archive   moved now   in archive   left live");
        foreach (var a in o.After)
        {
            var p = o.Planned.Single(x => x.Table == a.Table);
            var ok = a.Live == 0 && a.Archived == p.Total ? "ok" : "MISMATCH";
            sb.AppendLine(CultureInfo.InvariantCulture, $"  {a.Table,-TableWidth} {p.Total,11:N0} {o.Moved[a.Table],11:N0} {a.Archived,12:N0} {a.Live,11:N0}   {ok}");
        }
        if (o.LeftInPlace.Count > 0)
        {
            sb.AppendLine(CultureInfo.InvariantCulture, $"experiments that got new runs while archiving and stay live (their old runs are archived): {string.Join(", ", o.LeftInPlace)}");
        }
        sb.AppendLine(o.Reconciled
            ? "reconciled: every row of the archived experiments is in mlflow_archive, none left live, none twice"
            : "NOT reconciled: the counts differ (did MLflow or mlflow gc write to these experiments meanwhile?); compare the live and archived rows of these experiments before the next run");
        if (o.RowsMoved > 0) sb.AppendLine("the live tables now hold dead rows: dbops maintain vacuum reclaims them (autovacuum will too, later)");
        return sb.ToString();
    }

    /// <summary>The same facts as <see cref="Text"/>, for other tools: per table counts planned and, after a move, reconciled.</summary>
    public string Json(ArchiveOutcome o)
    {
        var doc = new JsonObject
        {
            ["target"] = target,
            ["dryRun"] = dryRun,
            ["idleSince"] = DateTimeOffset.FromUnixTimeMilliseconds(o.Candidates.CutoffMs).ToString("yyyy-MM-ddTHH:mm:ssZ", CultureInfo.InvariantCulture),
            ["experiments"] = new JsonArray([.. o.Candidates.Ids.Select(i => JsonValue.Create(i))]),
            ["keptLiveForModelVersions"] = o.Candidates.SkippedForModels,
            ["keptLiveReferenced"] = new JsonArray([.. o.Candidates.Referenced.Select(k => new JsonObject { ["experiment"] = k.ExperimentId, ["why"] = k.Why })]),
            ["unknownTables"] = Strings(o.Model.Unknown.Select(t => t.Name)),
            ["schemaChanges"] = Strings(o.SchemaChanges),
            ["planned"] = new JsonArray([.. o.Planned.Select(p => new JsonObject { ["table"] = p.Table, ["toMove"] = p.Live, ["alreadyArchived"] = p.Archived })]),
            ["problems"] = Strings(o.Problems),
        };
        if (o.After is not null)
        {
            doc["moved"] = new JsonObject { ["experiments"] = o.ExperimentsArchived, ["rows"] = o.RowsMoved, ["batches"] = o.Batches, ["seconds"] = Math.Round(o.Took.TotalSeconds, 3) };
            doc["reconciliation"] = new JsonArray([.. o.After.Select(a =>
            {
                var p = o.Planned.Single(x => x.Table == a.Table);
                return new JsonObject
                {
                    ["table"] = a.Table, ["toArchive"] = p.Total, ["movedNow"] = o.Moved[a.Table], ["inArchive"] = a.Archived, ["leftLive"] = a.Live,
                    ["ok"] = a.Live == 0 && a.Archived == p.Total,
                };
            })]);
            doc["leftInPlace"] = new JsonArray([.. o.LeftInPlace.Select(i => JsonValue.Create(i))]);
            doc["reconciled"] = o.Reconciled;
        }
        return doc.ToJsonString(JsonOutput.Indented);
    }

    internal static JsonArray Strings(IEnumerable<string> items) => new([.. items.Select(i => JsonValue.Create(i))]);
}

/// <summary><c>dbops archive restore</c> on <paramref name="target"/>: per table what came back, or with --dry-run what would.</summary>
public sealed class RestoreRender(string target) : IReportRenderer<RestoreOutcome>
{
    public string Json(RestoreOutcome o) => new JsonObject
    {
        ["target"] = target,
        ["experiment"] = o.ExperimentId,
        ["name"] = o.Name,
        ["dryRun"] = o.DryRun,
        ["schemaChanges"] = ArchiveRender.Strings(o.SchemaChanges),
        ["restored"] = new JsonArray([.. o.Restored.Select(t => new JsonObject { ["table"] = t.Table, ["rows"] = t.Live })]),
    }.ToJsonString(JsonOutput.Indented);

    public string Text(RestoreOutcome o)
    {
        var sb = new StringBuilder();
        sb.AppendLine(CultureInfo.InvariantCulture, $"restore of experiment {o.ExperimentId} ('{o.Name}') on {target}:");
        foreach (var c in o.SchemaChanges) sb.AppendLine(CultureInfo.InvariantCulture, $"archive schema {(o.DryRun ? "would need" : "followed the live schema")}: {c}");
        sb.AppendLine($"  {"table",-ArchiveRender.TableWidth} {(o.DryRun ? "would restore" : "restored"),13}");
        foreach (var t in o.Restored) sb.AppendLine(CultureInfo.InvariantCulture, $"  {t.Table,-ArchiveRender.TableWidth} {t.Live,13:N0}");
        sb.AppendLine(CultureInfo.InvariantCulture, $"  {"all",-ArchiveRender.TableWidth} {o.Restored.Sum(t => t.Live),13:N0}");
        if (o.DryRun)
        {
            sb.AppendLine("--dry-run: rolled back, nothing restored");
            return sb.ToString();
        }
        sb.AppendLine("restored in one transaction: the rows are live and gone from mlflow_archive");
        sb.AppendLine("its last activity is as old as before: the next dbops archive with the same window archives it again unless it is used (or run with a longer --older-than)");
        return sb.ToString();
    }
}
