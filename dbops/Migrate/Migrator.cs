using System.Diagnostics;
using Dbops.Data;
using Npgsql;

namespace Dbops.Migrate;

public sealed record MigrateSettings
{
    /// <summary>How long to wait for another <c>dbops migrate</c> on the same database to finish.</summary>
    public TimeSpan LockWait { get; init; } = TimeSpan.FromMinutes(10);

    /// <summary>
    /// How long a statement may wait for a table lock. A DDL statement waiting for its lock
    /// queues every later MLflow query on that table behind it, so it gives up early instead.
    /// Not applied to CREATE INDEX CONCURRENTLY, whose waits block no query.
    /// </summary>
    public TimeSpan DdlLockTimeout { get; init; } = TimeSpan.FromSeconds(10);

    /// <summary>The application role's credential and timeouts (the contract's postgres.application); null leaves the role as it is.</summary>
    public Dbops.Contract.ApplicationRole? Application { get; init; }
}

/// <summary>A migration run that cannot go on: the message says what and what to do.</summary>
public sealed class MigrationException(string message) : OpsException(message);

public sealed record StatementTiming(string Statement, TimeSpan Took);

public sealed record AppliedResult(Migration Migration, TimeSpan Took, IReadOnlyList<StatementTiming> Statements);

/// <summary>
/// Applies this build's pending migrations in version order, each recorded in the history
/// table with its checksum, under an advisory lock so that concurrent runs apply each once.
/// </summary>
public sealed class Migrator(NpgsqlDataSource dataSource, PlatformMigrations migrations, MigrateSettings settings, TextWriter progress)
{
    /// <summary>The plan against the database as it is now, without taking the lock or writing anything.</summary>
    public async Task<MigrationPlan> PlanAsync(CancellationToken ct)
    {
        RequireValidBuild();
        await using var conn = await dataSource.OpenConnectionAsync(ct);
        await RequireMlflowAsync(conn, ct);
        var plan = MigrationPlan.Build(migrations, await SchemaHistory.ReadAsync(conn, ct));
        var conditional = new List<ConditionalIndex>();
        foreach (var m in migrations.All.Where(m => m.IfTableExists))
        {
            foreach (var statement in m.Statements)
            {
                if (PlatformMigrations.CreatedIndex(statement, m.Name) is not { } created) continue;
                conditional.Add(await ReadConditionalIndexAsync(conn, m, created, ct));
            }
        }
        return plan with { ConditionalIndexes = conditional };
    }

    /// <summary>
    /// Applies what is pending. <paramref name="planned"/> gets the plan read under the lock, before
    /// anything is applied: a run that waited for another sees what that one left, not what was
    /// pending when it started.
    /// </summary>
    public async Task<IReadOnlyList<AppliedResult>> ApplyAsync(CancellationToken ct, Action<MigrationPlan>? planned = null)
    {
        RequireValidBuild();
        await using var conn = await dataSource.OpenConnectionAsync(ct);
        await RequireMlflowAsync(conn, ct);
        await using var held = await AdvisoryLock.AcquireAsync(conn, AdvisoryLock.MigrateKey, settings.LockWait,
            holder => progress.WriteLine($"dbops migrate: waiting for {holder}, which is migrating this database"), ct);
        if (held is null)
        {
            throw new MigrationException($"another dbops migrate still holds the migration lock after {settings.LockWait.TotalSeconds:0} s ({await AdvisoryLock.HolderAsync(conn, AdvisoryLock.MigrateKey, ct) ?? "holder gone"}); try again when it has finished");
        }
        await SchemaHistory.EnsureAsync(conn, ct);
        // Read under the lock: a run that waited sees what the run before it applied.
        var plan = MigrationPlan.Build(migrations, await SchemaHistory.ReadAsync(conn, ct));
        planned?.Invoke(plan);
        if (plan.Problems.Count > 0) throw new MigrationException(string.Join(Environment.NewLine, plan.Problems));

        var results = new List<AppliedResult>();
        foreach (var step in plan.Pending)
        {
            var m = step.Migration;
            var result = m.NoTransaction ? await ApplyOutsideTransactionAsync(conn, m, ct) : await ApplyInTransactionAsync(conn, m, ct);
            progress.WriteLine($"dbops migrate: applied {m.Name} in {Seconds(result.Took)}");
            results.Add(result);
        }
        foreach (var step in plan.Steps.Where(s => s.State == MigrationState.Applied && s.Migration.IfTableExists))
        {
            await BuildWhereTablesAppearedAsync(conn, step.Migration, ct);
        }
        if (settings.Application is { } app)
        {
            try
            {
                await ApplicationRoleStep.ApplyAsync(conn, app, conn.Database, progress, ct);
            }
            catch (PostgresException e)
            {
                throw new MigrationException($"setting role {app.Username}'s password and timeouts failed: {Describe(e)}; the migrations are applied, the role is as it was");
            }
        }
        return results;
    }

    private async Task<AppliedResult> ApplyInTransactionAsync(NpgsqlConnection conn, Migration m, CancellationToken ct)
    {
        var statements = m.Statements;
        var timings = new List<StatementTiming>();
        var total = Stopwatch.StartNew();
        await using var tx = await conn.BeginTransactionAsync(ct);
        // statement_timeout is the session's --command-timeout (DatabaseTarget's startup option), which outranks a role's own.
        await ExecuteAsync(conn, $"set local lock_timeout = {(long)settings.DdlLockTimeout.TotalMilliseconds}", ct);
        for (var i = 0; i < statements.Count; i++)
        {
            try
            {
                timings.Add(await TimeAsync(conn, m, statements, i, ct));
            }
            catch (PostgresException e)
            {
                await tx.RollbackAsync(CancellationToken.None);
                throw new MigrationException($"{m.Name} failed at statement {i + 1}/{statements.Count} '{PlatformMigrations.Abbreviate(SqlStatements.Normalize(statements[i]))}': {Describe(e)}; nothing of {m.Name} was applied");
            }
        }
        await SchemaHistory.RecordAsync(conn, m, total.Elapsed, ct);
        await tx.CommitAsync(ct);
        return new AppliedResult(m, total.Elapsed, timings);
    }

    private async Task<AppliedResult> ApplyOutsideTransactionAsync(NpgsqlConnection conn, Migration m, CancellationToken ct)
    {
        var statements = m.Statements;
        var timings = new List<StatementTiming>();
        var total = Stopwatch.StartNew();
        for (var i = 0; i < statements.Count; i++)
        {
            var created = PlatformMigrations.CreatedIndex(statements[i], m.Name);
            try
            {
                if (created is not null && m.IfTableExists && !await TableExistsAsync(conn, created, ct))
                {
                    progress.WriteLine($"dbops migrate: {m.Name} [{i + 1}/{statements.Count}] {created.Index}: skipped, this MLflow release has no table {created.Table}; a dbops migrate after the MLflow upgrade that creates it builds it");
                    continue;
                }
                if (created is not null)
                {
                    timings.Add(await BuildIndexAsync(conn, m, statements, i, created, ct));
                }
                else
                {
                    await ExecuteAsync(conn, $"set lock_timeout = {(long)settings.DdlLockTimeout.TotalMilliseconds}", ct);
                    timings.Add(await TimeAsync(conn, m, statements, i, ct));
                }
            }
            catch (PostgresException e)
            {
                var done = i == 0 ? "no statement of it was applied" : $"statements 1-{i} are applied and safe to run again";
                throw new MigrationException($"{m.Name} failed at statement {i + 1}/{statements.Count} '{PlatformMigrations.Abbreviate(SqlStatements.Normalize(statements[i]))}': {Describe(e)}; {done}; run dbops migrate again once the cause is fixed");
            }
        }
        await SchemaHistory.RecordAsync(conn, m, total.Elapsed, ct);
        return new AppliedResult(m, total.Elapsed, timings);
    }

    /// <summary>
    /// The indexes an applied <c>-- dbops:if-table-exists</c> migration skipped because their table was missing,
    /// built now that MLflow's upgrade has created it (the history keeps the migration as applied: its
    /// text is unchanged, only the tables it names have appeared). Every statement of such a migration is
    /// a CREATE INDEX CONCURRENTLY IF NOT EXISTS (<see cref="PlatformMigrations.Problems"/>), safe to run again.
    /// </summary>
    private async Task BuildWhereTablesAppearedAsync(NpgsqlConnection conn, Migration m, CancellationToken ct)
    {
        var statements = m.Statements;
        for (var i = 0; i < statements.Count; i++)
        {
            if (PlatformMigrations.CreatedIndex(statements[i], m.Name) is not { } created) continue;
            if (!(await ReadConditionalIndexAsync(conn, m, created, ct)).CatchUp) continue;
            progress.WriteLine($"dbops migrate: {m.Name} is applied and table {created.Table} exists now (MLflow's upgrade created it since): building {created.Index}");
            try
            {
                await BuildIndexAsync(conn, m, statements, i, created, ct);
            }
            catch (PostgresException e)
            {
                throw new MigrationException($"{m.Name}: building {created.Index} on {created.Table}, which MLflow created after {m.Name} was applied, failed: {Describe(e)}; run dbops migrate again once the cause is fixed");
            }
        }
    }

    /// <summary>
    /// An if-table-exists index as the database stands now: the one reading behind both --dry-run's plan and the catch-up
    /// build, so that what the plan says a run builds is what it builds.
    /// </summary>
    private static async Task<ConditionalIndex> ReadConditionalIndexAsync(NpgsqlConnection conn, Migration m, PlatformMigrations.PlatformIndex index, CancellationToken ct)
    {
        var exists = await TableExistsAsync(conn, index, ct);
        return new ConditionalIndex(m.Name, index, exists, exists && await FindIndexAsync(conn, index, ct) is { Valid: true });
    }

    private static async Task<bool> TableExistsAsync(NpgsqlConnection conn, PlatformMigrations.PlatformIndex index, CancellationToken ct)
    {
        await using var cmd = new NpgsqlCommand("select to_regclass(format('%I.%I', coalesce($1, current_schema()), $2::text)) is not null", conn);
        cmd.Parameters.Add(new NpgsqlParameter { Value = (object?)index.Schema ?? DBNull.Value, NpgsqlDbType = NpgsqlTypes.NpgsqlDbType.Text });
        cmd.Parameters.Add(new NpgsqlParameter { Value = index.Table });
        return await cmd.ExecuteScalarAsync(ct) is true;
    }

    /// <summary>
    /// One CREATE INDEX CONCURRENTLY of a migration, after an invalid index an interrupted build left under the same
    /// name is dropped (IF NOT EXISTS would take it for done). Its waits (for older transactions to finish) block no
    /// MLflow query, so they may take as long as they take.
    /// </summary>
    private async Task<StatementTiming> BuildIndexAsync(NpgsqlConnection conn, Migration m, IReadOnlyList<string> statements, int i, PlatformMigrations.PlatformIndex index, CancellationToken ct)
    {
        if (await FindIndexAsync(conn, index, ct) is { Valid: false } invalid)
        {
            progress.WriteLine($"dbops migrate: dropping invalid index {invalid.Qualified}, left by an interrupted build, to build it again");
            await ExecuteAsync(conn, "set lock_timeout = 0", ct);
            await ExecuteAsync(conn, $"drop index concurrently if exists {invalid.Qualified}", ct);
        }
        await ExecuteAsync(conn, "set lock_timeout = 0", ct);
        return await TimeAsync(conn, m, statements, i, ct);
    }

    /// <summary>The index the migration names, where it is (its schema, or the connection's current one), and whether it is valid; null when there is none.</summary>
    private static async Task<(string Qualified, bool Valid)?> FindIndexAsync(NpgsqlConnection conn, PlatformMigrations.PlatformIndex index, CancellationToken ct)
    {
        await using var cmd = new NpgsqlCommand(
            """
            select format('%I.%I', n.nspname, c.relname), i.indisvalid
            from pg_class c join pg_index i on i.indexrelid = c.oid join pg_namespace n on n.oid = c.relnamespace
            where c.relname = $1 and n.oid = coalesce(to_regnamespace($2), current_schema()::regnamespace)
            """, conn);
        cmd.Parameters.Add(new NpgsqlParameter { Value = index.Index });
        cmd.Parameters.Add(new NpgsqlParameter { Value = (object?)index.Schema ?? DBNull.Value, NpgsqlDbType = NpgsqlTypes.NpgsqlDbType.Text });
        await using var r = await cmd.ExecuteReaderAsync(ct);
        return await r.ReadAsync(ct) ? (r.GetString(0), r.GetBoolean(1)) : null;
    }

    private async Task<StatementTiming> TimeAsync(NpgsqlConnection conn, Migration m, IReadOnlyList<string> statements, int i, CancellationToken ct)
    {
        var text = SqlStatements.Normalize(statements[i]);
        var sw = Stopwatch.StartNew();
        await ExecuteAsync(conn, statements[i], ct);
        sw.Stop();
        progress.WriteLine($"dbops migrate: {m.Name} [{i + 1}/{statements.Count}] {PlatformMigrations.Abbreviate(text)}: {Seconds(sw.Elapsed)}");
        return new StatementTiming(text, sw.Elapsed);
    }

    private void RequireValidBuild()
    {
        var problems = migrations.Problems();
        if (problems.Count > 0) throw new MigrationException("this build's migrations are unusable: " + string.Join("; ", problems));
    }

    /// <summary>The migrations extend MLflow's schema (indexes on its tables, an archive shaped like them), so MLflow must have created it first.</summary>
    private static async Task RequireMlflowAsync(NpgsqlConnection conn, CancellationToken ct)
    {
        var present = await MlflowSchema.PresentAsync(conn, ct);
        var missing = MlflowSchema.RequiredTables.Keys.Where(t => !present.ContainsKey(t)).ToArray();
        if (missing.Length == MlflowSchema.RequiredTables.Count)
        {
            throw new MigrationException($"{MlflowSchema.NotInitialised}: start MLflow once (or run mlflow db upgrade) before dbops migrate");
        }
        if (missing.Length > 0)
        {
            throw new MigrationException($"the MLflow schema is incomplete (missing: {string.Join(", ", missing)}): finish MLflow's own upgrade before dbops migrate");
        }
    }

    private static async Task ExecuteAsync(NpgsqlConnection conn, string sql, CancellationToken ct)
    {
        await using var cmd = new NpgsqlCommand(sql, conn);
        await cmd.ExecuteNonQueryAsync(ct);
    }

    private static string Describe(PostgresException e) => $"{e.MessageText} (SQLSTATE {e.SqlState})";

    private static string Seconds(TimeSpan t) => $"{t.TotalSeconds:0.00} s";
}
