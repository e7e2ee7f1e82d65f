using Dbops.Data;
using Npgsql;

namespace Dbops.Verify.Postgres;

/// <summary>
/// Each table of the pinned MLflow release has the release's primary key, on the same columns in
/// the same order (metrics' six-column key is what keeps a logged value from arriving twice).
/// A missing table is the tables check's to report.
/// </summary>
public sealed class MlflowPrimaryKeysCheck(PgEndpoint endpoint, VerifySettings settings) : MlflowReleaseCheck(endpoint, settings)
{
    protected override string Name => "mlflow-primary-keys";
    protected override string What => "primary keys";

    protected override async Task<(int Checked, IReadOnlyList<string> Problems)> CompareAsync(NpgsqlConnection conn, MlflowRelease release, CancellationToken ct)
    {
        var tables = await MlflowCatalog.TablesAsync(conn, ct);
        var keys = (await MlflowCatalog.ConstraintsAsync(conn, ct)).Where(c => c.Type == 'p').ToDictionary(c => c.Table, StringComparer.Ordinal);
        var problems = new List<string>();
        foreach (var t in release.Tables.Where(t => tables.Contains(t.Name)))
        {
            var expected = $"{t.PrimaryKey.Name} {Columns(t.PrimaryKey.Columns)}";
            if (!keys.TryGetValue(t.Name, out var actual)) problems.Add($"{t.Name} has no primary key (MLflow's is {expected})");
            else if (!actual.Columns.SequenceEqual(t.PrimaryKey.Columns)) problems.Add($"{t.Name}'s primary key is {actual.Name} {Columns(actual.Columns)} (MLflow's is {expected})");
        }
        return (release.Tables.Count, problems);
    }
}
