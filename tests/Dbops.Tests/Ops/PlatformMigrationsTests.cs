using Dbops.Migrate;

namespace Dbops.Tests.Ops;

/// <summary>The embedded migrations are well formed, and the rules that keep them safe catch what they should.</summary>
public class PlatformMigrationsTests
{
    private static readonly PlatformMigrations Embedded = PlatformMigrations.Embedded();

    [Fact]
    public void The_embedded_set_is_versioned_from_1_without_gaps_and_has_no_problem()
    {
        Assert.Empty(Embedded.Problems());
        Assert.Equal(Enumerable.Range(1, Embedded.All.Count), Embedded.All.Select(m => m.Version));
        // The files on disk are what the build embedded.
        var files = Directory.GetFiles(Path.Combine(RepoPaths.Root, "dbops", "migrations"), "V*.sql").Select(Path.GetFileName).Order();
        Assert.Equal(files, Embedded.All.Select(m => m.Name).Order());
    }

    [Fact]
    public void Index_builds_run_outside_a_transaction_and_everything_else_inside_one()
    {
        foreach (var m in Embedded.All)
        {
            var concurrent = m.Statements.Any(s => s.Contains("concurrently", StringComparison.OrdinalIgnoreCase));
            Assert.True(m.NoTransaction == concurrent, $"{m.Name}: no-transaction {m.NoTransaction}, builds concurrently {concurrent}");
        }
        Assert.Contains(Embedded.All, m => m.NoTransaction);
    }

    [Fact]
    public void The_indexes_the_verifier_expects_name_their_schema_where_the_migration_does()
    {
        var indexes = Embedded.Indexes;

        Assert.Contains(indexes, i => i is { Index: "platform_runs_experiment_stage_start", Schema: null, Table: "runs", Migration: "V3__performance_indexes.sql" });
        Assert.Contains(indexes, i => i is { Index: "archive_metrics_run_uuid", Schema: "mlflow_archive", Table: "metrics" });
        Assert.Equal(indexes.Count, indexes.Select(i => (i.Schema, i.Index)).Distinct().Count());
    }

    [Fact]
    public void An_index_a_later_migration_drops_is_no_longer_expected()
    {
        var set = new PlatformMigrations(
        [
            new("V1__a.sql", "create index ix_a on runs (name);\ncreate index ix_b on runs (status);"),
            new("V2__b.sql", "-- dbops:no-transaction\ndrop index concurrently if exists ix_a;"),
        ]);

        Assert.Equal(["ix_b"], set.Indexes.Select(i => i.Index));
    }

    [Fact]
    public void The_value_hash_indexes_are_neither_built_nor_expected_and_the_earlier_V3_counts_as_applied()
    {
        var v3 = Embedded.All.Single(m => m.Version == 3);

        Assert.DoesNotContain(Embedded.All.SelectMany(m => m.Statements), s => s.Contains("using hash", StringComparison.OrdinalIgnoreCase));
        Assert.DoesNotContain(Embedded.Indexes, i => i.Index is "platform_params_value" or "platform_tags_value");
        // The text databases applied up to 2026-12-02 (git show 1e38637:dbops/migrations/V3__performance_indexes.sql | sha256sum).
        Assert.Equal(["df6837542827855d1999590b3455ae377f9ad365506f87ff49f361f64c8a9bc8"], v3.ValidChecksums);
        Assert.NotEqual(v3.ValidChecksums[0], v3.Checksum);
    }

    [Fact]
    public void V8s_indexes_are_expected_only_where_their_table_exists_and_the_directive_allows_only_index_builds()
    {
        var v8 = Embedded.All.Single(m => m.Version == 8);
        Assert.True(v8.NoTransaction && v8.IfTableExists);
        Assert.All(Embedded.Indexes, i => Assert.Equal(i.Migration == v8.Name, i.IfTableExists));
        Assert.Contains(Embedded.Indexes, i => i is { Index: "platform_logged_model_metrics_run_id", Table: "logged_model_metrics", IfTableExists: true });

        var set = new PlatformMigrations(
        [
            new("V1__in_tx.sql", "-- dbops:if-table-exists\ncreate index if not exists ix on logged_models (name);"),
            new("V2__other_statement.sql", "-- dbops:no-transaction\n-- dbops:if-table-exists\ncreate index concurrently if not exists ix2 on logged_models (name);\nanalyze logged_models;"),
            new("V3__ok.sql", "-- dbops:no-transaction\n-- dbops:if-table-exists\ncreate index concurrently if not exists ix3 on logged_models (name);"),
        ]);
        var problems = set.Problems();

        Assert.Equal(2, problems.Count);
        Assert.Contains(problems, p => p.StartsWith("V1__in_tx.sql: '-- dbops:if-table-exists' needs '-- dbops:no-transaction'", StringComparison.Ordinal));
        Assert.Contains(problems, p => p.StartsWith("V2__other_statement.sql: '-- dbops:if-table-exists' needs", StringComparison.Ordinal));
    }

    [Fact]
    public void The_checksum_ignores_line_endings_and_nothing_else()
    {
        var lf = new Migration("V1__a.sql", "create table a (x int);\nselect 1;\n");
        var crlf = new Migration("V1__a.sql", "create table a (x int);\r\nselect 1;\r\n");
        var changed = new Migration("V1__a.sql", "create table a (x bigint);\nselect 1;\n");

        Assert.Equal(lf.Checksum, crlf.Checksum);
        Assert.NotEqual(lf.Checksum, changed.Checksum);
        Assert.Matches("^[0-9a-f]{64}$", lf.Checksum);
    }

    [Fact]
    public void Unsafe_migrations_are_refused_with_the_reason()
    {
        var set = new PlatformMigrations(
        [
            new("V1__ok.sql", "select 1;"),
            new("V1__again.sql", "select 2;"),
            new("v2-bad-name.sql", "select 3;"),
            new("V3__concurrent_in_tx.sql", "create index concurrently ix on runs (name);"),
            new("V4__not_rerunnable.sql", "-- dbops:no-transaction\ncreate index concurrently if not exists ix on runs (name);\ncreate table t (x int);"),
            new("V5__plain_index_outside.sql", "-- dbops:no-transaction\ncreate index concurrently ix2 on runs (name);"),
            new("V6__short_checksum.sql", "-- dbops:valid-checksum df6837542827 an abbreviated checksum\nselect 6;"),
        ]);

        var problems = set.Problems();

        Assert.Contains(problems, p => p == "version 1 is used by V1__ok.sql and V1__again.sql");
        Assert.Contains(problems, p => p.StartsWith("v2-bad-name.sql: not a migration name", StringComparison.Ordinal));
        Assert.Contains(problems, p => p.StartsWith("V3__concurrent_in_tx.sql: 'create index concurrently ix on runs (name)' cannot run inside a transaction", StringComparison.Ordinal));
        Assert.Contains(problems, p => p.StartsWith("V4__not_rerunnable.sql: 'create table t (x int)' is not allowed in a no-transaction migration", StringComparison.Ordinal));
        Assert.Contains(problems, p => p.StartsWith("V5__plain_index_outside.sql: 'create index concurrently ix2 on runs (name)' is not allowed", StringComparison.Ordinal));
        Assert.Contains(problems, p => p.StartsWith("V6__short_checksum.sql: '-- dbops:valid-checksum df6837542827' is not a checksum; expected the 64 lowercase hex digits", StringComparison.Ordinal));
        Assert.Equal(6, problems.Count);
    }
}
