using Dbops.Data;
using Dbops.Verify.Postgres;
using Npgsql;

namespace Dbops.Bench.Benchmarks;

/// <summary>What the "MLflow's indexes" phase ran on, compared with what the release creates.</summary>
public sealed record BaselineIndexes(MlflowRelease Release, IReadOnlyList<string> Present, IReadOnlyList<string> Extra, IReadOnlyList<string> Missing)
{
    public bool Exact => Extra.Count == 0 && Missing.Count == 0;

    public string Describe() => Exact
        ? $"exactly {Release}'s {Present.Count} indexes beside its keys"
        : $"not {Release}'s indexes:{(Extra.Count > 0 ? $" {string.Join(", ", Extra)} beyond them" : "")}{(Missing.Count > 0 ? $"{(Extra.Count > 0 ? ";" : "")} {string.Join(", ", Missing)} missing" : "")}";
}

/// <summary>
/// The baseline of the benchmarks is MLflow alone: on the release's tables, exactly the indexes the
/// release creates (beside those of its primary keys and unique constraints), named by the database's
/// alembic revision. A baseline with one more index (as the hand-made fixture's
/// index_metrics_run_uuid_key_step, which no release up to 3.11.1 has) makes every "MLflow alone" figure wrong.
/// </summary>
public static class MlflowBaseline
{
    public static async Task<BaselineIndexes> ReadAsync(NpgsqlConnection conn, CancellationToken ct)
    {
        string? revision;
        await using (var cmd = new NpgsqlCommand("select case when to_regclass('alembic_version') is null then null else (select min(version_num) from alembic_version) end", conn))
        {
            revision = await cmd.ExecuteScalarAsync(ct) as string;
        }
        var release = (revision is null ? null : MlflowReleases.ByRevision(revision))
            ?? throw new InvalidOperationException($"the database's alembic revision {revision ?? "(none)"} is not an MLflow release this build knows ({MlflowReleases.Describe()}): the benchmark needs a release's fixture (tests/fixtures/mlflow/<release>/schema.sql) to know its baseline");
        var present = new List<(string Table, string Index)>();
        await using (var cmd = new NpgsqlCommand(
            """
            select t.relname::text, c.relname::text
            from pg_index i join pg_class c on c.oid = i.indexrelid join pg_class t on t.oid = i.indrelid
            where t.relnamespace = 'public'::regnamespace and t.relname = any($1)
              and not exists (select 1 from pg_constraint k where k.conindid = i.indexrelid and k.conrelid = i.indrelid and k.contype in ('p', 'u'))
            order by 2
            """, conn))
        {
            cmd.Parameters.Add(new NpgsqlParameter { Value = release.Tables.Select(t => t.Name).ToArray() });
            await using var r = await cmd.ExecuteReaderAsync(ct);
            while (await r.ReadAsync(ct)) present.Add((r.GetString(0), r.GetString(1)));
        }
        var expected = release.Tables.SelectMany(t => t.Indexes.Select(i => i.Name)).ToHashSet(StringComparer.Ordinal);
        var names = present.Select(p => p.Index).ToHashSet(StringComparer.Ordinal);
        return new BaselineIndexes(release, names.Order(StringComparer.Ordinal).ToArray(),
            present.Where(p => !expected.Contains(p.Index)).Select(p => $"{p.Index} on {p.Table}").ToArray(),
            expected.Where(e => !names.Contains(e)).Order(StringComparer.Ordinal).ToArray());
    }
}
