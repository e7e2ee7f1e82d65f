using Dbops.Data;
using Npgsql;

namespace Dbops.Verify.Postgres;

/// <summary>
/// Base of the checks that compare the schema with an MLflow release's (<see cref="MlflowReleases"/>):
/// the release is the one the pinned alembic revision names (--alembic-revision, else the contract's
/// postgres.alembicRevision, else the database's own alembic_version). A database MLflow has not
/// initialised warns. A revision this build does not know is checked against the newest known
/// release and only warns, naming the revision: a newer MLflow may have changed what it creates.
/// </summary>
public abstract class MlflowReleaseCheck(PgEndpoint endpoint, VerifySettings settings) : PgCheck(endpoint)
{
    public override string Category => Categories.PostgresSchema;

    /// <summary>What the check compares, plural, e.g. <c>primary keys</c>.</summary>
    protected abstract string What { get; }

    /// <summary>How many things of the release were compared, and each one missing or different.</summary>
    protected abstract Task<(int Checked, IReadOnlyList<string> Problems)> CompareAsync(NpgsqlConnection conn, MlflowRelease release, CancellationToken ct);

    protected sealed override async Task<CheckResult> CheckAsync(NpgsqlConnection conn, CancellationToken ct)
    {
        var schema = await conn.ScalarAsync<string>("select current_schema()", ct);
        var hasAlembic = await conn.ScalarAsync<bool>("select to_regclass('alembic_version') is not null", ct);
        if (!hasAlembic && await MlflowSchema.IsUninitialisedAsync(conn, ct))
        {
            return CheckResult.Warn($"{MlflowSchema.NotInitialised} (none of its tables is in schema {schema} of database {Endpoint.Target.Database})");
        }
        var revision = settings.AlembicRevision ?? Endpoint.Target.AlembicRevision;
        if (revision is null && hasAlembic)
        {
            var rows = await conn.RowsAsync("select version_num::text from alembic_version", r => r.GetString(0), ct);
            if (rows.Count == 1) revision = rows[0];
        }
        var known = revision is null ? null : MlflowReleases.ByRevision(revision);
        var release = known ?? MlflowReleases.Newest;
        var (count, problems) = await CompareAsync(conn, release, ct);
        var data = Data(("release", release.Name), ("alembicRevision", revision), ("knownRelease", known is not null), ("checked", count), ("problems", problems.ToArray()));
        if (known is not null)
        {
            return problems.Count == 0
                ? CheckResult.Pass($"all {count} {What} of {release} are in schema {schema}", data)
                : CheckResult.Fail($"{string.Join("; ", problems)} ({release}, schema {schema})", data);
        }
        var why = revision is null
            ? "no alembic revision is pinned or recorded"
            : $"alembic revision {revision} is not an MLflow release this dbops knows ({MlflowReleases.Describe()})";
        var found = problems.Count == 0 ? $"all {count} {What} present" : string.Join("; ", problems);
        return CheckResult.Warn($"{why}: compared with the newest known, {release}: {found} (schema {schema})", data);
    }

    protected static string Columns(IEnumerable<string> columns) => $"({string.Join(", ", columns)})";
}

/// <summary>Keys and indexes as the catalog holds them, for the tables of the connection's current schema.</summary>
internal static class MlflowCatalog
{
    public sealed record Constraint(string Table, string Name, char Type, string[] Columns, string? References, string[] ReferencedColumns, string OnDelete);

    public sealed record Index(string Table, string Name, bool Unique, string[] Columns);

    public static async Task<List<Constraint>> ConstraintsAsync(NpgsqlConnection conn, CancellationToken ct) =>
        await conn.RowsAsync(
            """
            select t.relname::text, k.conname::text, k.contype::text,
                   array(select a.attname::text from unnest(k.conkey) with ordinality u(n, o)
                         join pg_attribute a on a.attrelid = k.conrelid and a.attnum = u.n order by u.o),
                   f.relname::text,
                   array(select a.attname::text from unnest(k.confkey) with ordinality u(n, o)
                         join pg_attribute a on a.attrelid = k.confrelid and a.attnum = u.n order by u.o),
                   k.confdeltype::text
            from pg_constraint k
            join pg_class t on t.oid = k.conrelid
            left join pg_class f on f.oid = k.confrelid
            where t.relnamespace = current_schema()::regnamespace and k.contype in ('p', 'f')
            """,
            r => new Constraint(r.GetString(0), r.GetString(1), r.GetString(2)[0], r.GetFieldValue<string[]>(3), r.NullableString(4),
                r.GetFieldValue<string[]>(5), OnDelete(r.GetString(6))), ct);

    public static async Task<List<Index>> IndexesAsync(NpgsqlConnection conn, CancellationToken ct) =>
        await conn.RowsAsync(
            """
            select t.relname::text, c.relname::text, i.indisunique,
                   array(select coalesce(a.attname::text, '(expression)') from unnest(i.indkey::int2[]) with ordinality u(n, o)
                         left join pg_attribute a on a.attrelid = i.indrelid and a.attnum = u.n
                         where u.o <= i.indnkeyatts order by u.o)
            from pg_index i
            join pg_class c on c.oid = i.indexrelid
            join pg_class t on t.oid = i.indrelid
            where t.relnamespace = current_schema()::regnamespace
            """,
            r => new Index(r.GetString(0), r.GetString(1), r.GetBoolean(2), r.GetFieldValue<string[]>(3)), ct);

    public static async Task<HashSet<string>> TablesAsync(NpgsqlConnection conn, CancellationToken ct) =>
        (await conn.RowsAsync("select relname::text from pg_class where relnamespace = current_schema()::regnamespace and relkind in ('r', 'p')",
            r => r.GetString(0), ct)).ToHashSet(StringComparer.Ordinal);

    // pg_constraint.confdeltype: a no action, r restrict, c cascade, n set null, d set default.
    private static string OnDelete(string code) => code switch
    {
        "c" => "CASCADE",
        "n" => "SET NULL",
        "r" => "RESTRICT",
        "d" => "SET DEFAULT",
        _ => "NO ACTION",
    };
}
