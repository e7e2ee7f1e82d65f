using Dbops.Data;
using Npgsql;

namespace Dbops.Verify.Postgres;

/// <summary>
/// Every table of the pinned MLflow release exists with every column the release creates. Tables
/// and columns beyond the release's are allowed (a newer MLflow only adds them).
/// </summary>
public sealed class MlflowTablesCheck(PgEndpoint endpoint, VerifySettings settings) : MlflowReleaseCheck(endpoint, settings)
{
    protected override string Name => "mlflow-tables";
    protected override string What => "tables with their columns";

    protected override async Task<(int Checked, IReadOnlyList<string> Problems)> CompareAsync(NpgsqlConnection conn, MlflowRelease release, CancellationToken ct)
    {
        var present = await MlflowSchema.ColumnsAsync(conn, release.Tables.Select(t => t.Name), ct);
        var missingTables = release.Tables.Where(t => !present.ContainsKey(t.Name)).Select(t => t.Name).ToArray();
        var missingColumns = release.Tables.Where(t => present.ContainsKey(t.Name))
            .SelectMany(t => t.Columns.Where(c => !present[t.Name].Contains(c)).Select(c => $"{t.Name}.{c}")).ToArray();
        var problems = new List<string>();
        if (missingTables.Length > 0) problems.Add($"missing table(s): {string.Join(", ", missingTables)}");
        if (missingColumns.Length > 0) problems.Add($"missing column(s): {string.Join(", ", missingColumns)}");
        return (release.Tables.Count, problems);
    }
}
