using Npgsql;

namespace Dbops.Data;

/// <summary>
/// The tables the platform's own queries and migrations use (the query SLO, dbops migrate's
/// "has MLflow initialised this database?"): every MLflow release since 2.x has them.
/// Which tables, keys, foreign keys and indexes a release has is <see cref="MlflowReleases"/>,
/// generated from the schema facts (../shared/facts/mlflow-real-schemas.md) by scripts/mlflow-fixtures.js.
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
    public static Task<Dictionary<string, HashSet<string>>> PresentAsync(NpgsqlConnection conn, CancellationToken ct) =>
        ColumnsAsync(conn, RequiredTables.Keys, ct);

    /// <summary>Column names of the named tables that exist in the connection's current schema.</summary>
    public static async Task<Dictionary<string, HashSet<string>>> ColumnsAsync(NpgsqlConnection conn, IEnumerable<string> tables, CancellationToken ct)
    {
        var rows = await conn.RowsAsync(
            """
            select c.relname::text, a.attname::text
            from pg_class c
            join pg_attribute a on a.attrelid = c.oid and a.attnum > 0 and not a.attisdropped
            where c.relnamespace = current_schema()::regnamespace and c.relkind in ('r', 'p') and c.relname = any($1)
            """,
            r => (Table: r.GetString(0), Column: r.GetString(1)), ct, (object)tables.ToArray());
        return rows.GroupBy(r => r.Table, StringComparer.Ordinal)
            .ToDictionary(g => g.Key, g => g.Select(r => r.Column).ToHashSet(StringComparer.Ordinal), StringComparer.Ordinal);
    }

    /// <summary>True when none of the platform's tables exists yet: a database MLflow has never started on.</summary>
    public static async Task<bool> IsUninitialisedAsync(NpgsqlConnection conn, CancellationToken ct) =>
        (await PresentAsync(conn, ct)).Count == 0;
}

/// <summary>One MLflow release's schema, as MLflow's own code creates it on PostgreSQL.</summary>
public sealed record MlflowRelease(string Name, string AlembicRevision, IReadOnlyList<MlflowTable> Tables)
{
    public override string ToString() => $"MLflow {Name} (alembic {AlembicRevision})";
}

public sealed record MlflowTable(string Name, string[] Columns, MlflowKey PrimaryKey, MlflowForeignKey[] ForeignKeys, MlflowIndex[] Indexes);

public sealed record MlflowKey(string Name, string[] Columns);

/// <param name="OnDelete">NO ACTION, CASCADE, SET NULL, RESTRICT or SET DEFAULT.</param>
public sealed record MlflowForeignKey(string Name, string[] Columns, string References, string[] ReferencedColumns, string OnDelete)
{
    public override string ToString() =>
        $"{Name} ({string.Join(", ", Columns)}) -> {References} ({string.Join(", ", ReferencedColumns)}){(OnDelete == "NO ACTION" ? "" : $" on delete {OnDelete.ToLowerInvariant()}")}";
}

public sealed record MlflowIndex(string Name, string[] Columns, bool Unique);

/// <summary>Which known release an alembic revision is; an unknown one is checked against the newest known.</summary>
public static partial class MlflowReleases
{
    public static MlflowRelease Newest => Known[^1];

    public static MlflowRelease? ByRevision(string revision) => Known.FirstOrDefault(r => r.AlembicRevision == revision);

    public static MlflowRelease? ByName(string name) => Known.FirstOrDefault(r => r.Name == name);

    public static string Describe() => string.Join(", ", Known.Select(r => $"{r.Name} ({r.AlembicRevision})"));
}
