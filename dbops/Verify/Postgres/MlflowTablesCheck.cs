using Npgsql;

namespace Dbops.Verify.Postgres;

/// <summary>
/// The MLflow tables the platform depends on exist with their key columns. An empty schema
/// is a warning (a new stack before MLflow's first start); a partial one fails.
/// </summary>
public sealed class MlflowTablesCheck(PgEndpoint endpoint) : PgCheck(endpoint)
{
    protected override string Name => "mlflow-tables";
    public override string Category => Categories.PostgresSchema;

    protected override async Task<CheckResult> CheckAsync(NpgsqlConnection conn, CancellationToken ct)
    {
        var present = await MlflowSchema.PresentAsync(conn, ct);
        var schema = await conn.ScalarAsync<string>("select current_schema()", ct);
        if (present.Count == 0)
        {
            return CheckResult.Warn($"{MlflowSchema.NotInitialised} (none of its tables is in schema {schema} of database {Endpoint.Target.Database})");
        }
        var missingTables = MlflowSchema.RequiredTables.Keys.Where(t => !present.ContainsKey(t)).ToArray();
        var missingColumns = MlflowSchema.RequiredTables
            .Where(t => present.ContainsKey(t.Key))
            .SelectMany(t => t.Value.Where(c => !present[t.Key].Contains(c)).Select(c => $"{t.Key}.{c}"))
            .ToArray();
        var data = Data(("schema", schema), ("tables", present.Count), ("missingTables", missingTables), ("missingColumns", missingColumns));
        if (missingTables.Length == 0 && missingColumns.Length == 0)
        {
            return CheckResult.Pass($"all {present.Count} MLflow tables the platform uses are in schema {schema} with their key columns", data);
        }
        var problems = new List<string>();
        if (missingTables.Length > 0) problems.Add($"missing table(s): {string.Join(", ", missingTables)}");
        if (missingColumns.Length > 0) problems.Add($"missing column(s): {string.Join(", ", missingColumns)}");
        return CheckResult.Fail($"{string.Join("; ", problems)} (schema {schema})", data);
    }
}
