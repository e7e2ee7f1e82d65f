using System.Text.Json;
using System.Text.Json.Nodes;
using Dbops.Output;

namespace Dbops.Verify.Reports;

/// <summary>The machine report: the run's status and every check with its figures.</summary>
public static class JsonReport
{
    public static string Render(VerificationReport report, string stack)
    {
        var checks = new JsonArray();
        foreach (var r in report.Results)
        {
            checks.Add(new JsonObject
            {
                ["check"] = r.Check,
                ["category"] = r.Category,
                ["status"] = r.Status.ToString().ToLowerInvariant(),
                ["message"] = r.Message,
                ["durationMs"] = Math.Round(r.Duration.TotalMilliseconds, 1),
                ["data"] = JsonSerializer.SerializeToNode(r.Data),
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
        return doc.ToJsonString(new JsonSerializerOptions { WriteIndented = true, Encoder = JsonOutput.Encoder });
    }
}
