using System.Text.Json;
using System.Text.Json.Nodes;

namespace Dbops.Verify.Reports;

/// <summary>The machine report: the run's status and every check with its figures.</summary>
public static class JsonReport
{
    public static string Render(VerificationReport report, string stack)
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
        return doc.ToJsonString(new JsonSerializerOptions { WriteIndented = true, Encoder = Cli.JsonOutput.Encoder });
    }

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
