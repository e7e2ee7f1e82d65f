using System.Text.Json;
using System.Text.Json.Serialization;
using Dbops.Output;

namespace Dbops.Report;

/// <summary>The report as JSON for dashboards and alerting: the same records, camelCase, sizes in bytes, times in ms.</summary>
internal static class ReportJson
{
    private static readonly JsonSerializerOptions Options = new()
    {
        PropertyNamingPolicy = JsonNamingPolicy.CamelCase,
        WriteIndented = true,
        DefaultIgnoreCondition = JsonIgnoreCondition.Never,
        Encoder = JsonOutput.Encoder,
    };

    public static string Render(DatabaseReport r) => JsonSerializer.Serialize(r, Options);
}
