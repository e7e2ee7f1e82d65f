using System.Text.Json;
using System.Text.Json.Serialization;
using System.Text.Json.Serialization.Metadata;

namespace Dbops.Report;

/// <summary>The report as JSON for dashboards and alerting: the same records, camelCase, sizes in bytes, times in ms.</summary>
internal static class ReportJson
{
    private static readonly JsonSerializerOptions Options = new()
    {
        PropertyNamingPolicy = JsonNamingPolicy.CamelCase,
        WriteIndented = true,
        DefaultIgnoreCondition = JsonIgnoreCondition.Never,
        Encoder = Cli.JsonOutput.Encoder,
        // Generated metadata, not reflection: a Native AOT build of dbops has no reflection serializer.
        TypeInfoResolver = ReportJsonContext.Default,
    };

    public static string Render(DatabaseReport r) => JsonSerializer.Serialize(r, (JsonTypeInfo<DatabaseReport>)Options.GetTypeInfo(typeof(DatabaseReport)));
}

[JsonSerializable(typeof(DatabaseReport))]
internal sealed partial class ReportJsonContext : JsonSerializerContext;
