using Dbops.Data;
using Npgsql;

namespace Dbops.Tests.Ops;

/// <summary>The roles V1 creates can do what MLflow and analysts need, and nothing that changes the schema.</summary>
[Collection(LocalPostgresCollection.Name)]
public class RolesTests(LocalPostgres pg)
{
    private static async Task<string?> TryAsync(NpgsqlConnection conn, string sql)
    {
        try
        {
            await using var cmd = new NpgsqlCommand(sql, conn);
            await cmd.ExecuteNonQueryAsync();
            return null;
        }
        catch (PostgresException e)
        {
            return e.SqlState;
        }
    }

    [Theory]
    [MemberData(nameof(LocalPostgres.Releases), MemberType = typeof(LocalPostgres))]
    public async Task The_application_role_reads_and_writes_rows_but_cannot_drop_alter_truncate_or_create(string release)
    {
        var db = await pg.CreateDatabaseAsync(release);
        Assert.Equal(0, (await Verify.CliRun.RunAsync(["migrate", .. db.Args()])).ExitCode);
        var user = $"app_{db.Name}";
        await db.ExecuteAsync($"create role {user} login in role mlflow_app");

        await using var app = await db.OpenAsync(user: user);
        Assert.Null(await TryAsync(app, "insert into experiments (name, lifecycle_stage) values ('by the app', 'active')"));
        Assert.Null(await TryAsync(app, "update experiments set last_update_time = 1 where name = 'by the app'"));
        Assert.Null(await TryAsync(app, "select count(*) from runs"));
        Assert.Null(await TryAsync(app, "delete from experiments where name = 'by the app'"));
        const string denied = PostgresErrorCodes.InsufficientPrivilege;
        Assert.Equal(denied, await TryAsync(app, "drop table metrics"));
        Assert.Equal(denied, await TryAsync(app, "alter table runs add column x int"));
        Assert.Equal(denied, await TryAsync(app, "truncate params"));
        Assert.Equal(denied, await TryAsync(app, "create table mine (x int)"));
        Assert.Equal(denied, await TryAsync(app, "create index ix_mine on runs (name)"));
        Assert.Equal(denied, await TryAsync(app, "select count(*) from mlflow_archive.runs"));
        Assert.Equal(denied, await TryAsync(app, "delete from dbops.schema_history"));
    }

    [Theory]
    [MemberData(nameof(LocalPostgres.Releases), MemberType = typeof(LocalPostgres))]
    public async Task The_application_role_only_reads_the_schema_revision(string release)
    {
        var db = await pg.CreateDatabaseAsync(release);
        Assert.Equal(0, (await Verify.CliRun.RunAsync(["migrate", .. db.Args()])).ExitCode);
        var user = $"appv_{db.Name}";
        await db.ExecuteAsync($"create role {user} login in role mlflow_app");
        var revision = Dbops.Data.MlflowReleases.ByName(release)!.AlembicRevision;

        await using var app = await db.OpenAsync(user: user);
        Assert.Null(await TryAsync(app, "select version_num from alembic_version"));
        const string denied = PostgresErrorCodes.InsufficientPrivilege;
        Assert.Equal(denied, await TryAsync(app, "update alembic_version set version_num = '000000000000'"));
        Assert.Equal(denied, await TryAsync(app, "delete from alembic_version"));
        Assert.Equal(denied, await TryAsync(app, "insert into alembic_version values ('000000000000')"));
        Assert.Equal(revision, await db.ScalarAsync<string>("select version_num from alembic_version"));
        // Every other MLflow table is still the application's to write.
        Assert.Null(await TryAsync(app, "update runs set name = name where false"));
    }

    [Theory]
    [MemberData(nameof(LocalPostgres.Releases), MemberType = typeof(LocalPostgres))]
    public async Task The_analytics_role_reads_mlflow_and_the_archive_and_writes_nothing(string release)
    {
        var db = await pg.CreateDatabaseAsync(release);
        Assert.Equal(0, (await Verify.CliRun.RunAsync(["migrate", .. db.Args()])).ExitCode);
        var user = $"bi_{db.Name}";
        await db.ExecuteAsync($"create role {user} login in role mlflow_analytics");

        await using var bi = await db.OpenAsync(user: user);
        Assert.Null(await TryAsync(bi, "select count(*) from metrics join runs using (run_uuid)"));
        Assert.Null(await TryAsync(bi, "select count(*) from mlflow_archive.metrics"));
        const string denied = PostgresErrorCodes.InsufficientPrivilege;
        Assert.Equal(denied, await TryAsync(bi, "insert into experiments (name) values ('x')"));
        Assert.Equal(denied, await TryAsync(bi, "update runs set name = 'x'"));
        Assert.Equal(denied, await TryAsync(bi, "delete from mlflow_archive.runs"));
        Assert.Equal(denied, await TryAsync(bi, "create table mine (x int)"));
    }

    [Theory]
    [MemberData(nameof(LocalPostgres.Releases), MemberType = typeof(LocalPostgres))]
    public async Task Tables_mlflow_creates_later_get_the_same_grants(string release)
    {
        var db = await pg.CreateDatabaseAsync(release);
        Assert.Equal(0, (await Verify.CliRun.RunAsync(["migrate", .. db.Args()])).ExitCode);
        // An MLflow upgrade, run by the owner as upgrades are, adds a table.
        await db.ExecuteAsync("create table future_mlflow_table (request_id varchar(50) primary key, experiment_id int)", asOwner: true);
        var user = $"app2_{db.Name}";
        await db.ExecuteAsync($"create role {user} login in role mlflow_app");

        await using var app = await db.OpenAsync(user: user);
        Assert.Null(await TryAsync(app, "insert into future_mlflow_table values ('r1', 1)"));
        Assert.Equal(PostgresErrorCodes.InsufficientPrivilege, await TryAsync(app, "drop table future_mlflow_table"));
    }
}
