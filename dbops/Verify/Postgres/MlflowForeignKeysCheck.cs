using Dbops.Data;
using Npgsql;

namespace Dbops.Verify.Postgres;

/// <summary>
/// Each foreign key of the pinned MLflow release exists: same columns, same referenced table and
/// columns, same ON DELETE (archival and MLflow's own deletes depend on which rows cascade).
/// Matched by what it links, not by name. A missing table is the tables check's to report.
/// </summary>
public sealed class MlflowForeignKeysCheck(PgEndpoint endpoint, VerifySettings settings) : MlflowReleaseCheck(endpoint, settings)
{
    protected override string Name => "mlflow-foreign-keys";
    protected override string What => "foreign keys";

    protected override async Task<(int Checked, IReadOnlyList<string> Problems)> CompareAsync(NpgsqlConnection conn, MlflowRelease release, CancellationToken ct)
    {
        var tables = await MlflowCatalog.TablesAsync(conn, ct);
        var fks = (await MlflowCatalog.ConstraintsAsync(conn, ct)).Where(c => c.Type == 'f').ToList();
        var missing = new List<string>();
        var different = new List<string>();
        var count = 0;
        foreach (var t in release.Tables.Where(t => tables.Contains(t.Name)))
        {
            foreach (var fk in t.ForeignKeys)
            {
                count++;
                var match = fks.FirstOrDefault(c => c.Table == t.Name && c.References == fk.References
                                                    && c.Columns.SequenceEqual(fk.Columns) && c.ReferencedColumns.SequenceEqual(fk.ReferencedColumns));
                if (match is null) missing.Add($"{t.Name}.{fk}");
                else if (match.OnDelete != fk.OnDelete) different.Add($"{t.Name}.{match.Name} is on delete {match.OnDelete.ToLowerInvariant()}, MLflow's is on delete {fk.OnDelete.ToLowerInvariant()}");
            }
        }
        var problems = new List<string>();
        if (missing.Count > 0) problems.Add($"missing foreign key(s): {string.Join(", ", missing)}");
        problems.AddRange(different);
        return (count, problems);
    }
}
