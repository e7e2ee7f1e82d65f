namespace Dbops.Archive;

public enum ArchiveLevel { Run, Experiment }

/// <summary>
/// One MLflow table the archive moves, and how its rows are found: a run's rows by the
/// batch's run ids ($1, text[]), an experiment's by experiment ids ($1, int[]).
/// <see cref="LiveOf"/> and <see cref="ArchivedOf"/> select a set of experiments' rows, for
/// the counts of the plan and the reconciliation.
/// </summary>
public sealed record ArchivedTable(string Name, ArchiveLevel Level, string Predicate, string LiveOf, string ArchivedOf);

/// <summary>
/// The tables in the order a batch moves them: children before their parents, so that no
/// foreign key ever points from a live row to an archived one. input_tags goes before inputs
/// because inputs is how its rows are found. Datasets move with their experiment: they are
/// deleted with it (ON DELETE CASCADE), so leaving them behind would lose them.
/// </summary>
public static class ArchiveTables
{
    public const string Live = "public";
    public const string Archive = "mlflow_archive";

    private const string LiveRuns = "select run_uuid from public.runs where experiment_id = any($1)";
    private const string ArchivedRuns = "select run_uuid from mlflow_archive.runs where experiment_id = any($1)";

    public static readonly IReadOnlyList<ArchivedTable> RunLevel =
    [
        new("input_tags", ArchiveLevel.Run,
            "input_uuid in (select input_uuid from public.inputs where destination_type = 'RUN' and destination_id = any($1))",
            $"input_uuid in (select input_uuid from public.inputs where destination_type = 'RUN' and destination_id in ({LiveRuns}))",
            $"input_uuid in (select input_uuid from mlflow_archive.inputs where destination_type = 'RUN' and destination_id in ({ArchivedRuns}))"),
        new("inputs", ArchiveLevel.Run, "destination_type = 'RUN' and destination_id = any($1)",
            $"destination_type = 'RUN' and destination_id in ({LiveRuns})", $"destination_type = 'RUN' and destination_id in ({ArchivedRuns})"),
        Child("metrics"),
        Child("latest_metrics"),
        Child("params"),
        Child("tags"),
        new("runs", ArchiveLevel.Run, "run_uuid = any($1)", "experiment_id = any($1)", "experiment_id = any($1)"),
    ];

    public static readonly IReadOnlyList<ArchivedTable> ExperimentLevel =
    [
        ByExperiment("experiment_tags"),
        ByExperiment("datasets"),
        ByExperiment("experiments"),
    ];

    public static IEnumerable<ArchivedTable> All => RunLevel.Concat(ExperimentLevel);

    private static ArchivedTable Child(string name) =>
        new(name, ArchiveLevel.Run, "run_uuid = any($1)", $"run_uuid in ({LiveRuns})", $"run_uuid in ({ArchivedRuns})");

    private static ArchivedTable ByExperiment(string name) =>
        new(name, ArchiveLevel.Experiment, "experiment_id = any($1)", "experiment_id = any($1)", "experiment_id = any($1)");
}
