using Dbops.Migrate;
using Npgsql;

namespace Dbops.Bench.Benchmarks;

/// <summary>One index the platform's migrations built, how long CREATE INDEX CONCURRENTLY took and what it weighs.</summary>
public sealed record IndexBuild(string Index, string Table, long TableRows, TimeSpan Took, long Bytes);

/// <summary>Applies the platform's migrations the way <c>dbops migrate</c> does and times every index build.</summary>
public static class IndexBuilds
{
    public static async Task<(IReadOnlyList<IndexBuild> Builds, TimeSpan Total)> ApplyAsync(NpgsqlDataSource dataSource, TextWriter progress, CancellationToken ct)
    {
        var migrations = PlatformMigrations.Embedded();
        var applied = await new Migrator(dataSource, migrations, new MigrateSettings(), progress).ApplyAsync(ct);
        var builds = new List<IndexBuild>();
        await using var conn = await dataSource.OpenConnectionAsync(ct);
        foreach (var result in applied.Where(a => a.Migration.NoTransaction))
        {
            foreach (var s in result.Statements)
            {
                if (PlatformMigrations.CreatedIndexOf(s.Statement) is not { } index) continue;
                await using var cmd = new NpgsqlCommand(
                    "select pg_relation_size(to_regclass($1)), (select reltuples::bigint from pg_class where oid = to_regclass($2))", conn);
                cmd.Parameters.Add(new NpgsqlParameter { Value = index.Schema is null ? index.Index : $"{index.Schema}.{index.Index}" });
                cmd.Parameters.Add(new NpgsqlParameter { Value = index.Schema is null ? index.Table : $"{index.Schema}.{index.Table}" });
                await using var r = await cmd.ExecuteReaderAsync(ct);
                await r.ReadAsync(ct);
                builds.Add(new IndexBuild(index.Index, index.Table, r.GetInt64(1), s.Took, r.GetInt64(0)));
            }
        }
        return (builds, TimeSpan.FromTicks(applied.Sum(a => a.Took.Ticks)));
    }
}
