namespace Dbops.Bench.Workload;

public sealed class ExperimentModel
{
    public required int Id { get; init; }
    public required string Name { get; init; }
    public required bool Deleted { get; init; }
    public required bool Stale { get; init; }
    public required long CreationTime { get; init; }
    public required long LastUpdateTime { get; init; }
    /// <summary>Runs start between these two times; the last run starts at <see cref="ActiveTo"/>.</summary>
    public required long ActiveFrom { get; init; }
    public required long ActiveTo { get; init; }
    public required string Team { get; init; }
    public required string[] ParamKeys { get; init; }
    public required string[] MetricKeys { get; init; }
    public required int FirstRun { get; init; }
    public required int RunCount { get; init; }
    public required DatasetModel[] Datasets { get; init; }
}

public sealed record DatasetModel(string Uuid, string Name, string Digest);

public sealed class RunModel
{
    public required int Index { get; init; }
    public required string Uuid { get; init; }
    public required int ExperimentId { get; init; }
    public required long StartTime { get; init; }
    public required long? EndTime { get; init; }
    public required string Status { get; init; }
    public required bool Deleted { get; init; }
    public required long? DeletedTime { get; init; }
    public required int User { get; init; }
    /// <summary>Steps logged for each of the experiment's metric keys.</summary>
    public required int Steps { get; init; }
}

/// <summary>
/// Who is where and when: experiments with Zipf-distributed sizes, a chosen share of the
/// runs in experiments idle past the archive window, and every run's times and status.
/// Cheap enough to hold in memory at 100 K runs; the rows themselves are streamed.
/// </summary>
public sealed class WorkloadModel
{
    public WorkloadSpec Spec { get; }
    public IReadOnlyList<ExperimentModel> Experiments { get; }
    public IReadOnlyList<RunModel> Runs { get; }

    public WorkloadModel(WorkloadSpec spec)
    {
        Spec = spec;
        var sizes = Sizes(spec);
        var stale = ChooseStale(spec, sizes);
        var experiments = new List<ExperimentModel>();
        var runs = new List<RunModel>(spec.Runs);
        var avgRowsPerRun = (double)spec.MetricRowTarget / spec.Runs;
        for (var e = 0; e < sizes.Length; e++)
        {
            var exp = Experiment(spec, e + 1, sizes[e], stale.Contains(e), runs.Count);
            experiments.Add(exp);
            for (var i = 0; i < exp.RunCount; i++) runs.Add(Run(spec, exp, runs.Count, i, avgRowsPerRun));
        }
        Experiments = experiments;
        Runs = runs;
    }

    public IEnumerable<RunModel> RunsOf(ExperimentModel e) => Runs.Skip(e.FirstRun).Take(e.RunCount);

    private static int[] Sizes(WorkloadSpec spec)
    {
        var n = spec.ExperimentCount;
        var weights = Enumerable.Range(1, n).Select(r => 1.0 / Math.Pow(r, spec.ZipfExponent)).ToArray();
        var total = weights.Sum();
        var sizes = weights.Select(w => Math.Max(1, (int)Math.Floor(spec.Runs * w / total))).ToArray();
        // Hand out what rounding left over (or take back), keeping every experiment at one run or more.
        var diff = spec.Runs - sizes.Sum();
        for (var i = 0; diff != 0; i = (i + 1) % n)
        {
            if (diff > 0) { sizes[i]++; diff--; }
            else if (sizes[i] > 1) { sizes[i]--; diff++; }
        }
        // Shuffle, so experiment ids do not follow size.
        var rng = Rng.For(spec.Seed, "sizes", 0);
        for (var i = n - 1; i > 0; i--)
        {
            var j = rng.Next(i + 1);
            (sizes[i], sizes[j]) = (sizes[j], sizes[i]);
        }
        return sizes;
    }

    /// <summary>Experiments, in a seeded order, whose runs add up to the stale share without overshooting it.</summary>
    private static HashSet<int> ChooseStale(WorkloadSpec spec, int[] sizes)
    {
        var target = (long)Math.Round(spec.Runs * spec.StaleFraction);
        var rng = Rng.For(spec.Seed, "stale", 0);
        var order = Enumerable.Range(0, sizes.Length).OrderBy(_ => rng.NextULong()).ToArray();
        var chosen = new HashSet<int>();
        long sum = 0;
        foreach (var e in order)
        {
            if (sum + sizes[e] > target) continue;
            chosen.Add(e);
            sum += sizes[e];
        }
        return chosen;
    }

    private static ExperimentModel Experiment(WorkloadSpec spec, int id, int runCount, bool stale, int firstRun)
    {
        var rng = Rng.For(spec.Seed, "experiment", id);
        var now = spec.NowMs;
        var day = WorkloadSpec.DayMs;
        long activeTo, activeFrom;
        if (stale)
        {
            activeTo = now - spec.WindowDays * day - rng.Next(5 * day, 400 * day);
            activeFrom = activeTo - rng.Next(day, 120 * day);
        }
        else
        {
            activeTo = now - rng.Next(0, 20 * day);
            activeFrom = activeTo - rng.Next(day, 360 * day);
        }
        var team = rng.Pick(Vocabulary.Teams);
        var paramKeys = Vocabulary.Params.Select(p => p.Key).Where(k => k != "config").OrderBy(_ => rng.NextULong()).Take(6 + rng.Next(9)).ToList();
        if (rng.Chance(0.1)) paramKeys.Add("config");
        var metricKeys = Vocabulary.LossLike.Take(2).OrderBy(_ => rng.NextULong()).Take(1 + rng.Next(2))
            .Concat(Vocabulary.ScoreLike.OrderBy(_ => rng.NextULong()).Take(1 + rng.Next(3)))
            .Concat(rng.Chance(0.5) ? ["learning_rate"] : Array.Empty<string>())
            .ToArray();
        var datasets = rng.Chance(0.3)
            ? Enumerable.Range(1, 1 + rng.Next(3)).Select(d => new DatasetModel(rng.Hex32(), $"{team}-train-v{d}", rng.Hex(8))).ToArray()
            : [];
        var created = activeFrom - rng.Next(0, 2 * day);
        return new ExperimentModel
        {
            Id = id,
            Name = $"{team}/{rng.Pick(Vocabulary.Models)}-{id}",
            Deleted = rng.Chance(0.03),
            Stale = stale,
            CreationTime = created,
            LastUpdateTime = rng.Chance(0.5) ? created : created + (activeTo - created) / 2,
            ActiveFrom = activeFrom,
            ActiveTo = activeTo,
            Team = team,
            ParamKeys = paramKeys.ToArray(),
            MetricKeys = metricKeys,
            FirstRun = firstRun,
            RunCount = runCount,
            Datasets = datasets,
        };
    }

    private static RunModel Run(WorkloadSpec spec, ExperimentModel e, int index, int ordinal, double avgRowsPerRun)
    {
        var rng = Rng.For(spec.Seed, "run", index);
        var day = WorkloadSpec.DayMs;
        // The last run of an experiment starts at its last activity; the others anywhere before.
        var start = ordinal == e.RunCount - 1 ? e.ActiveTo : rng.Next(e.ActiveFrom, e.ActiveTo);
        var durationMs = (long)Math.Clamp(20 * 60_000 * Math.Exp(rng.Normal() * 1.0), 5_000, 3 * day);
        var running = !e.Stale && start > spec.NowMs - day && rng.Chance(0.3);
        var end = running ? (long?)null : Math.Min(start + durationMs, Math.Max(start, e.Stale ? e.ActiveTo : spec.NowMs));
        var u = rng.NextDouble();
        var status = running ? "RUNNING" : u < 0.86 ? "FINISHED" : u < 0.95 ? "FAILED" : "KILLED";
        var deleted = !running && rng.Chance(spec.DeletedRunFraction);
        long? deletedTime = deleted ? Math.Min(end!.Value + rng.Next(0, 10 * day), e.Stale ? e.ActiveTo : spec.NowMs) : null;
        deletedTime = deletedTime is { } dt ? Math.Max(dt, end!.Value) : null;
        // Rows per run vary a lot (a quick test logs a handful, a long training thousands); the mean stays on target.
        const double sigma = 0.9;
        var factor = Math.Exp(rng.Normal() * sigma - sigma * sigma / 2);
        var steps = (int)Math.Clamp(Math.Round(avgRowsPerRun / e.MetricKeys.Length * factor), 1, 20_000);
        return new RunModel
        {
            Index = index,
            Uuid = rng.Hex32(),
            ExperimentId = e.Id,
            StartTime = start,
            EndTime = end,
            Status = status,
            Deleted = deleted,
            DeletedTime = deletedTime,
            User = (int)Math.Floor(Math.Pow(rng.NextDouble(), 2) * 60),
            Steps = steps,
        };
    }
}
