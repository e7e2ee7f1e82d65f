using System.Text.Json.Serialization.Metadata;
using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.Json.Serialization;
using Dbops.Output;

namespace Dbops.Report;

/// <summary>
/// <c>dbops report</c> of <paramref name="target"/>: for a terminal, one section per concern, sizes in
/// MB, times in ms; as JSON for dashboards and alerting, the same records, camelCase, sizes in bytes, times in ms.
/// </summary>
public sealed class ReportRender(string target) : IReportRenderer<DatabaseReport>
{
    private static readonly JsonSerializerOptions Options = new(JsonOutput.Indented)
    {
        PropertyNamingPolicy = JsonNamingPolicy.CamelCase,
        DefaultIgnoreCondition = JsonIgnoreCondition.Never,
        // Generated metadata, not reflection: a Native AOT build of dbops has no reflection serializer.
        TypeInfoResolver = ReportJsonContext.Default,
    };

    public string Json(DatabaseReport r) => JsonSerializer.Serialize(r, (JsonTypeInfo<DatabaseReport>)Options.GetTypeInfo(typeof(DatabaseReport)));

    public string Text(DatabaseReport r)
    {
        var sb = new StringBuilder();
        var d = r.Database;
        sb.AppendLine(F($"database {d.Name} ({target}): {Mb(d.Bytes)} MB, PostgreSQL {d.ServerVersion}; usage statistics since {(d.StatsSince is { } s ? s.ToString("yyyy-MM-dd HH:mm", CultureInfo.InvariantCulture) + "Z" : "the server started")}"));
        sb.AppendLine();
        sb.AppendLine("tables                                   live rows    dead rows   table MB   index MB   total MB   bloat (est.)   last vacuum        last analyze");
        foreach (var t in r.Tables)
        {
            sb.AppendLine(F($"  {t.Schema + "." + t.Table,-36} {t.LiveRows,11:N0} {t.DeadRows,12:N0} {Mb(t.TableBytes),10} {Mb(t.IndexBytes),10} {Mb(t.TotalBytes),10} {Mb(t.BloatBytes) + " MB " + t.BloatShare.ToString("0%", CultureInfo.InvariantCulture),14}   {When(t.LastVacuum),-18} {When(t.LastAnalyze)}"));
        }
        sb.AppendLine();
        sb.AppendLine("indexes                                                       table                         MB        scans   note");
        foreach (var i in r.Indexes)
        {
            var note = i.CoveredBy is not null ? $"covered by {i.CoveredBy}" : i.Unused ? "unused" : "";
            if (i.CoveredBy is not null && i.Unused) note += ", unused";
            sb.AppendLine(F($"  {i.Schema + "." + i.Index,-59} {i.Table,-24} {Mb(i.Bytes),9} {i.Scans,12:N0}   {note}"));
        }
        var unused = r.Indexes.Where(i => i.Unused).ToArray();
        sb.AppendLine(F($"  {unused.Length} unused ({Mb(unused.Sum(i => i.Bytes))} MB), {r.Indexes.Count(i => i.CoveredBy is not null)} covered by another index"));
        sb.AppendLine();
        var st = r.Statements;
        sb.AppendLine(F($"slowest statements by mean time (over {st.SlowMs:0} ms flagged SLOW):"));
        if (!st.Available) sb.AppendLine($"  {st.Note}");
        foreach (var q in st.Items)
        {
            var flag = q.MeanMs >= st.SlowMs || q.MaxMs >= st.SlowMs ? "SLOW " : "     ";
            sb.AppendLine(F($"  {flag}mean {q.MeanMs,9:0.00} ms  max {q.MaxMs,9:0.00} ms  calls {q.Calls,9:N0}  {Abbreviate(q.Query, 110)}"));
        }
        sb.AppendLine();
        var b = r.Backlog;
        sb.AppendLine(F($"soft-deleted runs waiting for mlflow gc: {b.Runs:N0}{(b.OldestDeleted is { } o ? $", deleted since {o:yyyy-MM-dd}" : "")}, holding {string.Join(", ", b.Rows.Select(kv => F($"{kv.Value:N0} {kv.Key}")))}"));
        return sb.ToString();
    }

    private static string F(FormattableString s) => s.ToString(CultureInfo.InvariantCulture);

    private static string Mb(long bytes) => (bytes / 1048576.0).ToString("0.0", CultureInfo.InvariantCulture);

    private static string When(DateTime? t) => t is { } v ? v.ToUniversalTime().ToString("yyyy-MM-dd HH:mm", CultureInfo.InvariantCulture) : "never";

    private static string Abbreviate(string s, int max) => s.Length <= max ? s : s[..(max - 3)] + "...";
}

[JsonSerializable(typeof(DatabaseReport))]
internal sealed partial class ReportJsonContext : JsonSerializerContext;
