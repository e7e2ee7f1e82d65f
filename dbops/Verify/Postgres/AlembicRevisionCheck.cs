using Dbops.Data;
using Npgsql;

namespace Dbops.Verify.Postgres;

/// <summary>
/// <c>alembic_version</c> holds exactly one row, the revision of the MLflow release the
/// platform runs. The expected revision is configuration (flag or contract), never a constant here.
/// </summary>
public sealed class AlembicRevisionCheck(PgEndpoint endpoint, VerifySettings settings) : PgCheck(endpoint)
{
    protected override string Name => "alembic-revision";
    public override string Category => Categories.PostgresSchema;

    protected override async Task<CheckResult> CheckAsync(NpgsqlConnection conn, CancellationToken ct)
    {
        if (!await conn.ScalarAsync<bool>("select to_regclass('alembic_version') is not null", ct))
        {
            return CheckResult.Warn($"{MlflowSchema.NotInitialised} (no alembic_version table)");
        }
        var revisions = await conn.RowsAsync("select version_num::text from alembic_version order by 1", r => r.GetString(0), ct);
        var expected = settings.AlembicRevision ?? Endpoint.Target.AlembicRevision;
        var data = Data(("revisions", revisions.ToArray()), ("expected", expected));
        if (revisions.Count == 0) return CheckResult.Fail("alembic_version is empty; expected exactly one row (the schema revision)", data);
        if (revisions.Count > 1)
        {
            return CheckResult.Fail($"alembic_version holds {revisions.Count} rows ({string.Join(", ", revisions)}); expected exactly one: an interrupted or mixed migration", data);
        }
        var actual = revisions[0];
        if (expected is null)
        {
            return CheckResult.Skip($"alembic_version holds {actual}; no expected revision is pinned (postgres.alembicRevision in the contract or --alembic-revision), so it was not compared", data);
        }
        return actual == expected
            ? CheckResult.Pass($"alembic revision {actual} as expected", data)
            : CheckResult.Fail($"alembic revision is {actual}; expected {expected} (the MLflow release the platform runs)", data);
    }
}
