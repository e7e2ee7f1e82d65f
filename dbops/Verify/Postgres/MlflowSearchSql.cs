using System.Globalization;
using System.Text;
using Dbops.Data;

namespace Dbops.Verify.Postgres;

/// <summary>
/// The SQL MLflow's SqlAlchemyStore sends for one <c>search_runs</c> call, as the server receives
/// it: psycopg2 interpolates the bound values on the client, so every value arrives as a literal
/// (and the server plans each statement with its values). The main statements are those captured
/// from MLflow 3.x's own store (/work/shared/facts/mlflow-search-sql.md): MLflow always adds
/// DISTINCT, selects every runs column in the order its SqlRun model declares them, and asks for
/// one row more than the page (LIMIT 101 for a page of 100) to know whether a next page exists.
/// </summary>
/// <remarks>
/// The follow-up statements are written from MLflow's source, not captured (the facts file names
/// them but does not quote them): <c>_get_eager_run_query_options</c> selectin-loads
/// latest_metrics, params and tags for the page's run ids (one <c>WHERE run_uuid IN (...)</c>
/// statement each); <c>_get_run_inputs</c> reads the runs' dataset inputs with their tags; and from
/// MLflow 3.0 the runs' model outputs (inputs rows with source_type RUN_OUTPUT) are read too.
/// Column lists follow the models' declaration order; SQLAlchemy's column aliases are left out
/// (they change nothing the planner sees).
/// </remarks>
public static class MlflowSearchSql
{
    /// <summary>A page of search_runs: MLflow's default max_results is 1000, the UI asks for 100.</summary>
    public const int PageSize = 100;

    /// <summary>The runs columns in the order MLflow's SqlRun model declares them (mlflow/store/tracking/dbmodels/models.py).</summary>
    private static readonly string[] RunModelOrder =
        ["run_uuid", "name", "source_type", "source_name", "entry_point_name", "user_id", "status", "start_time", "end_time", "deleted_time", "source_version", "lifecycle_stage", "artifact_uri", "experiment_id"];

    /// <summary>The search shapes, by name; <see cref="MainStatement"/> renders each for one set of values.</summary>
    public enum Shape
    {
        DefaultOrder,
        OrderByMetric,
        ParamAndTag,
        MetricFilter,
    }

    /// <summary>What one search is about: the experiment, and the key and value a shape filters or orders by.</summary>
    public sealed record SearchValues(long ExperimentId, string MetricKey = "accuracy", string ParamKey = "optimizer", string ParamValue = "rmsprop",
        string TagKey = "stage", string TagValue = "dev", double MetricBelow = 0.5);

    public static string Describe(Shape shape) => shape switch
    {
        Shape.DefaultOrder => "search runs: default order (start_time desc)",
        Shape.OrderByMetric => "search runs: order by a metric",
        Shape.ParamAndTag => "search runs: filter by a param and a tag",
        Shape.MetricFilter => "search runs: filter by a metric (value below)",
        _ => throw new ArgumentOutOfRangeException(nameof(shape), shape, "not a search shape"),
    };

    /// <summary>
    /// The runs columns MLflow selects on <paramref name="release"/>'s schema: the model's order, then
    /// any column the release has beyond it (a newer MLflow's model would select it too).
    /// </summary>
    public static IReadOnlyList<string> RunsColumns(MlflowRelease release)
    {
        var table = release.Tables.SingleOrDefault(t => t.Name == "runs")
            ?? throw new ArgumentException($"{release} has no runs table", nameof(release));
        var known = RunModelOrder.Where(table.Columns.Contains);
        return known.Concat(table.Columns.Where(c => !RunModelOrder.Contains(c))).ToArray();
    }

    /// <summary>The main statement of a search_runs call (the one whose plan the platform's indexes serve).</summary>
    public static string MainStatement(MlflowRelease release, Shape shape, SearchValues v, int pageSize = PageSize)
    {
        var columns = string.Join(", ", RunsColumns(release).Select(c => "runs." + c));
        var scope = $"WHERE runs.experiment_id IN ({v.ExperimentId.ToString(CultureInfo.InvariantCulture)}) AND runs.lifecycle_stage IN ('active')";
        var page = $" LIMIT {(pageSize + 1).ToString(CultureInfo.InvariantCulture)} OFFSET 0";
        const string latest = "SELECT latest_metrics.key AS key, latest_metrics.value AS value, latest_metrics.timestamp AS timestamp, latest_metrics.step AS step, latest_metrics.is_nan AS is_nan, latest_metrics.run_uuid AS run_uuid \nFROM latest_metrics \n";
        return shape switch
        {
            Shape.DefaultOrder =>
                $"SELECT DISTINCT {columns} \nFROM runs \n{scope} ORDER BY runs.start_time DESC, runs.run_uuid \n{page}",
            Shape.OrderByMetric =>
                $"SELECT DISTINCT {columns}, CASE WHEN (anon_1.is_nan = true) THEN 1 WHEN (anon_1.value IS NULL) THEN 2 ELSE 0 END AS clause_1, anon_1.value \n" +
                $"FROM runs LEFT OUTER JOIN ({latest}WHERE latest_metrics.key = {Literal(v.MetricKey)}) AS anon_1 ON runs.run_uuid = anon_1.run_uuid \n" +
                $"{scope} ORDER BY clause_1, anon_1.value DESC, runs.start_time DESC, runs.run_uuid \n{page}",
            Shape.ParamAndTag =>
                $"SELECT DISTINCT {columns} \n" +
                $"FROM runs JOIN (SELECT params.key AS key, params.value AS value, params.run_uuid AS run_uuid \nFROM params \nWHERE params.key = {Literal(v.ParamKey)} AND params.value = {Literal(v.ParamValue)}) AS anon_1 ON runs.run_uuid = anon_1.run_uuid " +
                $"JOIN (SELECT tags.key AS key, tags.value AS value, tags.run_uuid AS run_uuid \nFROM tags \nWHERE tags.key = {Literal(v.TagKey)} AND tags.value = {Literal(v.TagValue)}) AS anon_2 ON runs.run_uuid = anon_2.run_uuid \n" +
                $"{scope} ORDER BY runs.start_time DESC, runs.run_uuid \n{page}",
            Shape.MetricFilter =>
                $"SELECT DISTINCT {columns} \n" +
                $"FROM runs JOIN ({latest}WHERE latest_metrics.key = {Literal(v.MetricKey)} AND latest_metrics.value < {Number(v.MetricBelow)}) AS anon_1 ON runs.run_uuid = anon_1.run_uuid \n" +
                $"{scope} ORDER BY runs.start_time DESC, runs.run_uuid \n{page}",
            _ => throw new ArgumentOutOfRangeException(nameof(shape), shape, "not a search shape"),
        };
    }

    /// <summary>
    /// The statements the same call sends after the main one, for the run ids it returned:
    /// latest_metrics, params and tags (selectin loads), dataset inputs, and (MLflow 3) model outputs.
    /// </summary>
    public static IReadOnlyList<string> FollowUps(MlflowRelease release, IReadOnlyList<string> runIds)
    {
        if (runIds.Count == 0) return [];
        var ids = string.Join(", ", runIds.Select(Literal));
        var statements = new List<string>
        {
            $"SELECT latest_metrics.run_uuid, latest_metrics.key, latest_metrics.value, latest_metrics.timestamp, latest_metrics.step, latest_metrics.is_nan \nFROM latest_metrics \nWHERE latest_metrics.run_uuid IN ({ids})",
            $"SELECT params.run_uuid, params.key, params.value \nFROM params \nWHERE params.run_uuid IN ({ids})",
            $"SELECT tags.run_uuid, tags.key, tags.value \nFROM tags \nWHERE tags.run_uuid IN ({ids})",
        };
        var inputs = release.Tables.SingleOrDefault(t => t.Name == "inputs");
        var datasets = release.Tables.SingleOrDefault(t => t.Name == "datasets");
        if (inputs is not null && datasets is not null)
        {
            statements.Add(
                "SELECT inputs.input_uuid, inputs.destination_id AS run_uuid, " + string.Join(", ", datasets.Columns.Select(c => "datasets." + c)) +
                ", input_tags.input_uuid, input_tags.name, input_tags.value \n" +
                "FROM inputs JOIN datasets ON inputs.source_id = datasets.dataset_uuid LEFT OUTER JOIN input_tags ON input_tags.input_uuid = inputs.input_uuid \n" +
                $"WHERE inputs.destination_type = 'RUN' AND inputs.destination_id IN ({ids}) ORDER BY run_uuid");
            if (SendsModelOutputs(release))
            {
                statements.Add(
                    "SELECT " + string.Join(", ", inputs.Columns.Select(c => "inputs." + c)) + " \nFROM inputs \n" +
                    $"WHERE inputs.source_type = 'RUN_OUTPUT' AND inputs.source_id IN ({ids}) AND inputs.destination_type = 'MODEL_OUTPUT'");
            }
        }
        return statements;
    }

    /// <summary>MLflow 3.0 added logged models; its search_runs reads each run's model outputs.</summary>
    public static bool SendsModelOutputs(MlflowRelease release) =>
        int.TryParse(release.Name.Split('.')[0], NumberStyles.None, CultureInfo.InvariantCulture, out var major) && major >= 3;

    /// <summary>A string literal as psycopg2 renders one (standard_conforming_strings on: quotes doubled).</summary>
    public static string Literal(string value) => "'" + value.Replace("'", "''", StringComparison.Ordinal) + "'";

    private static string Number(double value) => value.ToString("R", CultureInfo.InvariantCulture);

    /// <summary>The statement with its newlines as spaces, for a one-line message.</summary>
    public static string OneLine(string sql)
    {
        var sb = new StringBuilder(sql.Length);
        foreach (var ch in sql) sb.Append(ch is '\n' or '\r' ? ' ' : ch);
        return sb.ToString();
    }
}
