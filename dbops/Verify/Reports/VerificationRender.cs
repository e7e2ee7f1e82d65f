using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Dbops.Output;

namespace Dbops.Verify.Reports;

/// <summary>
/// The report of one <c>dbops verify</c> of <paramref name="stack"/>: for a terminal, one line
/// per check and a summary line; as JSON, the run's status and every check with its figures.
/// </summary>
public sealed class VerificationRender(string stack) : IReportRenderer<VerificationReport>
{
    public string Text(VerificationReport report)
    {
        var rows = report.Results;
        var idWidth = Math.Max(5, rows.Count == 0 ? 0 : rows.Max(r => r.Check.Length));
        var sb = new StringBuilder();
        sb.AppendLine($"dbops verify: stack {stack}");
        sb.AppendLine($"{"STATUS",-6}  {"CHECK".PadRight(idWidth)}  {"TIME",8}  MESSAGE");
        foreach (var r in rows)
        {
            sb.AppendLine($"{Label(r.Status),-6}  {r.Check.PadRight(idWidth)}  {Millis(r.Duration),8}  {r.Message}");
        }
        sb.AppendLine(Summary(report));
        return sb.ToString();
    }

    public string Json(VerificationReport report)
    {
        var checks = new JsonArray();
        foreach (var r in report.Results)
        {
            checks.Add((JsonNode)new JsonObject
            {
                ["check"] = r.Check,
                ["category"] = r.Category,
                ["status"] = r.Status.ToString().ToLowerInvariant(),
                ["message"] = r.Message,
                ["durationMs"] = Math.Round(r.Duration.TotalMilliseconds, 1),
                ["data"] = Node(r.Data),
            });
        }
        var doc = new JsonObject
        {
            ["stack"] = stack,
            ["status"] = report.Failed ? "fail" : "pass",
            ["durationMs"] = Math.Round(report.Elapsed.TotalMilliseconds, 1),
            ["counts"] = new JsonObject
            {
                ["pass"] = report.Count(CheckStatus.Pass),
                ["warn"] = report.Count(CheckStatus.Warn),
                ["fail"] = report.Count(CheckStatus.Fail),
                ["skip"] = report.Count(CheckStatus.Skip),
            },
            ["checks"] = checks,
        };
        return doc.ToJsonString(JsonOutput.Indented);
    }

    public static string Summary(VerificationReport report) =>
        $"{(report.Failed ? "FAILED" : "OK")}: {report.Count(CheckStatus.Pass)} passed, {report.Count(CheckStatus.Fail)} failed, "
        + $"{report.Count(CheckStatus.Warn)} warnings, {report.Count(CheckStatus.Skip)} skipped in {Millis(report.Elapsed)}";

    public static string Label(CheckStatus s) => s switch
    {
        CheckStatus.Pass => "PASS",
        CheckStatus.Warn => "WARN",
        CheckStatus.Fail => "FAIL",
        _ => "SKIP",
    };

    private static string Millis(TimeSpan t) => $"{t.TotalMilliseconds:0} ms";

    /// <summary>
    /// A check's figures as JSON, written out by type rather than by the reflection serializer,
    /// which a Native AOT build of dbops does not have. The figures are numbers, text, booleans
    /// and lists or maps of them; anything else is a mistake in a check, said as such.
    /// </summary>
    internal static JsonNode? Node(object? value) => value switch
    {
        null => null,
        string s => JsonValue.Create(s),
        bool b => JsonValue.Create(b),
        int i => JsonValue.Create(i),
        long l => JsonValue.Create(l),
        double d => JsonValue.Create(d),
        decimal m => JsonValue.Create(m),
        float f => JsonValue.Create(f),
        IEnumerable<KeyValuePair<string, object?>> map => Map(map),
        System.Collections.IEnumerable list => new JsonArray([.. list.Cast<object?>().Select(Node)]),
        _ => throw new InvalidOperationException($"a check's data holds a {value.GetType().Name}, which the JSON report does not write; use numbers, text, booleans, arrays or maps"),
    };

    private static JsonObject Map(IEnumerable<KeyValuePair<string, object?>> map)
    {
        var o = new JsonObject();
        foreach (var (k, v) in map) o[k] = Node(v);
        return o;
    }
}
