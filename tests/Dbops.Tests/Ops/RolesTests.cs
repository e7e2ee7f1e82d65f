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

    [Fact]
    public async Task The_application_role_reads_and_writes_rows_but_cannot_drop_alter_truncate_or_create()
    {
        var db = await pg.CreateDatabaseAsync();
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

    [Fact]
    public async Task The_analytics_role_reads_mlflow_and_the_archive_and_writes_nothing()
    {
        var db = await pg.CreateDatabaseAsync();
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

    [Fact]
    public async Task Tables_mlflow_creates_later_get_the_same_grants()
    {
        var db = await pg.CreateDatabaseAsync();
        Assert.Equal(0, (await Verify.CliRun.RunAsync(["migrate", .. db.Args()])).ExitCode);
        // An MLflow upgrade, run by the owner as upgrades are, adds a table.
        await db.ExecuteAsync("create table trace_info (request_id varchar(50) primary key, experiment_id int)", asOwner: true);
        var user = $"app2_{db.Name}";
        await db.ExecuteAsync($"create role {user} login in role mlflow_app");

        await using var app = await db.OpenAsync(user: user);
        Assert.Null(await TryAsync(app, "insert into trace_info values ('r1', 1)"));
        Assert.Equal(PostgresErrorCodes.InsufficientPrivilege, await TryAsync(app, "drop table trace_info"));
    }
}
