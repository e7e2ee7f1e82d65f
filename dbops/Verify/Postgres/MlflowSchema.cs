using Npgsql;

namespace Dbops.Verify.Postgres;

/// <summary>
/// The MLflow tables the platform depends on and the columns its queries use
/// (../shared/facts/mlflow-schema.md). Deliberately not MLflow's full list: newer releases
/// add tables, and the verifier must not fail on an upgrade that only adds.
/// </summary>
public static class MlflowSchema
{
    public const string NotInitialised = "MLflow has not initialised this database yet";

    public static readonly IReadOnlyDictionary<string, string[]> RequiredTables = new Dictionary<string, string[]>(StringComparer.Ordinal)
    {
        ["experiments"] = ["experiment_id", "name", "artifact_location", "lifecycle_stage", "creation_time", "last_update_time"],
        ["experiment_tags"] = ["key", "value", "experiment_id"],
        ["runs"] = ["run_uuid", "name", "status", "start_time", "end_time", "lifecycle_stage", "artifact_uri", "experiment_id", "deleted_time"],
        ["metrics"] = ["key", "value", "timestamp", "run_uuid", "step", "is_nan"],
        ["latest_metrics"] = ["key", "value", "timestamp", "step", "is_nan", "run_uuid"],
        ["params"] = ["key", "value", "run_uuid"],
        ["tags"] = ["key", "value", "run_uuid"],
        ["registered_models"] = ["name", "creation_time", "last_updated_time"],
        ["model_versions"] = ["name", "version", "current_stage", "run_id"],
        ["alembic_version"] = ["version_num"],
    };

    /// <summary>Column names of the required tables that exist in the connection's current schema.</summary>
    public static async Task<Dictionary<string, HashSet<string>>> PresentAsync(NpgsqlConnection conn, CancellationToken ct)
    {
        var rows = await conn.RowsAsync(
            """
            select c.relname::text, a.attname::text
            from pg_class c
            join pg_attribute a on a.attrelid = c.oid and a.attnum > 0 and not a.attisdropped
            where c.relnamespace = current_schema()::regnamespace and c.relkind in ('r', 'p') and c.relname = any($1)
            """,
            r => (Table: r.GetString(0), Column: r.GetString(1)), ct, (object)RequiredTables.Keys.ToArray());
        return rows.GroupBy(r => r.Table, StringComparer.Ordinal)
            .ToDictionary(g => g.Key, g => g.Select(r => r.Column).ToHashSet(StringComparer.Ordinal), StringComparer.Ordinal);
    }
}
