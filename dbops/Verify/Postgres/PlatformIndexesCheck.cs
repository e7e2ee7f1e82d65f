using Dbops.Data;
using Dbops.Migrate;
using Npgsql;

namespace Dbops.Verify.Postgres;

/// <summary>The indexes the platform's own migrations create are present and valid.</summary>
public sealed class PlatformIndexesCheck(PgEndpoint endpoint, PlatformMigrations migrations) : PgCheck(endpoint)
{
    protected override string Name => "platform-indexes";
    public override string Category => Categories.PostgresSchema;

    protected override async Task<CheckResult> CheckAsync(NpgsqlConnection conn, CancellationToken ct)
    {
        var expected = migrations.Indexes;
        if (expected.Count == 0)
        {
            return CheckResult.Skip($"this build carries no platform migration that creates an index ({migrations.All.Count} migration file(s) in dbops/migrations)");
        }
        // Before MLflow's first start dbops migrate has nothing to index (it refuses to run): as the
        // other schema checks, a warning until MLflow initialises the database, not a failure.
        if (!await conn.ScalarAsync<bool>("select to_regclass('alembic_version') is not null", ct) && await MlflowSchema.IsUninitialisedAsync(conn, ct))
        {
            return CheckResult.Warn($"{MlflowSchema.NotInitialised}: the {expected.Count} platform indexes come with dbops migrate after MLflow's first start");
        }
        // An index of a "-- dbops:if-table-exists" migration on a table this MLflow release does not have
        // (MLflow 2.x has no logged-model tables) is not expected; once MLflow's upgrade creates the table, it is.
        var conditional = expected.Where(e => e.IfTableExists).ToArray();
        var absentTables = conditional.Length == 0 ? new HashSet<string>(StringComparer.Ordinal) : (await conn.RowsAsync(
                """
                select distinct e.tbl from unnest($1::text[], $2::text[]) as e(tbl, schema)
                where to_regclass(format('%I.%I', coalesce(e.schema, current_schema()), e.tbl)) is null
                """,
                r => r.GetString(0), ct, conditional.Select(e => e.Table).ToArray(), conditional.Select(e => e.Schema).ToArray()))
            .ToHashSet(StringComparer.Ordinal);
        var notExpected = conditional.Where(e => absentTables.Contains(e.Table)).ToArray();
        expected = expected.Except(notExpected).ToArray();
        // An index without a schema in its migration lives in MLflow's schema: the connection's current one.
        var found = (await conn.RowsAsync(
                """
                select e.name, i.indisvalid
                from unnest($1::text[], $2::text[]) as e(name, schema)
                join pg_namespace n on n.nspname = coalesce(e.schema, current_schema())
                join pg_class c on c.relnamespace = n.oid and c.relname = e.name
                join pg_index i on i.indexrelid = c.oid
                """,
                r => (Name: r.GetString(0), Valid: r.GetBoolean(1)), ct,
                expected.Select(e => e.Index).ToArray(), expected.Select(e => e.Schema).ToArray()))
            .ToDictionary(r => r.Name, r => r.Valid, StringComparer.Ordinal);
        var missing = expected.Where(e => !found.ContainsKey(e.Index)).Select(e => $"{Qualified(e)} ({e.Migration})").ToArray();
        var invalid = expected.Where(e => found.TryGetValue(e.Index, out var valid) && !valid).Select(Qualified).ToArray();
        var data = Data(("expected", expected.Select(Qualified).ToArray()), ("missing", missing), ("invalid", invalid),
            ("notExpected", notExpected.Select(Qualified).ToArray()));
        if (missing.Length == 0 && invalid.Length == 0)
        {
            var skipped = notExpected.Length == 0 ? "" : $"; {notExpected.Length} not expected, their tables are not in this MLflow release ({string.Join(", ", absentTables.Order(StringComparer.Ordinal))})";
            return CheckResult.Pass($"all {expected.Count} platform indexes present and valid{skipped}", data);
        }
        var problems = new List<string>();
        if (missing.Length > 0) problems.Add($"missing platform index(es): {string.Join(", ", missing)} (has dbops migrate run?)");
        if (invalid.Length > 0) problems.Add($"invalid platform index(es): {string.Join(", ", invalid)} (an interrupted build: run dbops migrate again)");
        return CheckResult.Fail(string.Join("; ", problems), data);
    }

    private static string Qualified(PlatformMigrations.PlatformIndex i) => i.Schema is null ? i.Index : $"{i.Schema}.{i.Index}";
}
