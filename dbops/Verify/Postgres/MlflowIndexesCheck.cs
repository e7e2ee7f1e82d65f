using Dbops.Data;
using Npgsql;

namespace Dbops.Verify.Postgres;

/// <summary>
/// MLflow's own indexes of the pinned release (beside its keys) exist by name on the same columns:
/// MLflow's queries rely on them (index_latest_metrics_run_uuid, index_metrics_run_uuid, ...) and its
/// later migrations refer to them by name. A missing table is the tables check's to report.
/// </summary>
public sealed class MlflowIndexesCheck(PgEndpoint endpoint, VerifySettings settings) : MlflowReleaseCheck(endpoint, settings)
{
    protected override string Name => "mlflow-indexes";
    protected override string What => "MLflow indexes";

    protected override async Task<(int Checked, IReadOnlyList<string> Problems)> CompareAsync(NpgsqlConnection conn, MlflowRelease release, CancellationToken ct)
    {
        var tables = await MlflowCatalog.TablesAsync(conn, ct);
        var indexes = (await MlflowCatalog.IndexesAsync(conn, ct)).ToDictionary(i => i.Name, StringComparer.Ordinal);
        var missing = new List<string>();
        var different = new List<string>();
        var count = 0;
        foreach (var t in release.Tables.Where(t => tables.Contains(t.Name)))
        {
            foreach (var i in t.Indexes)
            {
                count++;
                if (!indexes.TryGetValue(i.Name, out var actual) || actual.Table != t.Name) missing.Add($"{i.Name} on {t.Name} {Columns(i.Columns)}");
                else if (!actual.Columns.SequenceEqual(i.Columns) || actual.Unique != i.Unique)
                {
                    different.Add($"{i.Name} is {(actual.Unique ? "unique " : "")}{Columns(actual.Columns)}, MLflow's is {(i.Unique ? "unique " : "")}{Columns(i.Columns)}");
                }
            }
        }
        var problems = new List<string>();
        if (missing.Count > 0) problems.Add($"missing MLflow index(es): {string.Join(", ", missing)}");
        problems.AddRange(different);
        return (count, problems);
    }
}
