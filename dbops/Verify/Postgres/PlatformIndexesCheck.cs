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
        var found = (await conn.RowsAsync(
                """
                select c.relname::text, i.indisvalid
                from pg_class c join pg_index i on i.indexrelid = c.oid
                where c.relnamespace = current_schema()::regnamespace and c.relname = any($1)
                """,
                r => (Name: r.GetString(0), Valid: r.GetBoolean(1)), ct, (object)expected.Select(e => e.Index).ToArray()))
            .ToDictionary(r => r.Name, r => r.Valid, StringComparer.Ordinal);
        var missing = expected.Where(e => !found.ContainsKey(e.Index)).Select(e => $"{e.Index} ({e.Migration})").ToArray();
        var invalid = expected.Where(e => found.TryGetValue(e.Index, out var valid) && !valid).Select(e => e.Index).ToArray();
        var data = Data(("expected", expected.Select(e => e.Index).ToArray()), ("missing", missing), ("invalid", invalid));
        if (missing.Length == 0 && invalid.Length == 0)
        {
            return CheckResult.Pass($"all {expected.Count} platform indexes present and valid", data);
        }
        var problems = new List<string>();
        if (missing.Length > 0) problems.Add($"missing platform index(es): {string.Join(", ", missing)}");
        if (invalid.Length > 0) problems.Add($"invalid platform index(es): {string.Join(", ", invalid)}");
        return CheckResult.Fail(string.Join("; ", problems), data);
    }
}
