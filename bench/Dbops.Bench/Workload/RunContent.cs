using System.Globalization;
using System.Text;

namespace Dbops.Bench.Workload;

/// <summary>
/// Everything a run logs, derived from the seed and the run alone: its descriptive fields,
/// params, tags and metric series. Deterministic whatever order runs are generated in.
/// </summary>
internal static class RunContent
{
    public readonly record struct Descriptive(string Name, string User, string SourceType, string SourceName, string GitCommit);

    public static Descriptive Describe(WorkloadSpec spec, ExperimentModel e, RunModel r)
    {
        var rng = Rng.For(spec.Seed, "describe", r.Index);
        return new Descriptive(
            Name: $"{rng.Pick(Vocabulary.Adjectives)}-{rng.Pick(Vocabulary.Nouns)}-{r.Index - e.FirstRun + 1}",
            User: $"user{r.User:00}@example.com",
            SourceType: rng.Pick(Vocabulary.SourceTypes),
            SourceName: rng.Pick(Vocabulary.Scripts),
            GitCommit: rng.Hex32() + rng.Hex(8));
    }

    public static IEnumerable<(string Key, string Value)> Params(WorkloadSpec spec, ExperimentModel e, RunModel r)
    {
        var rng = Rng.For(spec.Seed, "params", r.Index);
        foreach (var key in e.ParamKeys)
        {
            var values = Array.Find(Vocabulary.Params, p => p.Key == key).Values;
            yield return key switch
            {
                "seed" => (key, rng.Next(0, int.MaxValue).ToString(CultureInfo.InvariantCulture)),
                "config" => (key, LongConfig(ref rng)),
                _ => (key, rng.Pick(values)),
            };
        }
    }

    public static IEnumerable<(string Key, string Value)> Tags(WorkloadSpec spec, ExperimentModel e, RunModel r, Descriptive d)
    {
        var rng = Rng.For(spec.Seed, "tags", r.Index);
        yield return ("mlflow.user", d.User);
        yield return ("mlflow.source.name", d.SourceName);
        yield return ("mlflow.source.type", d.SourceType);
        yield return ("mlflow.runName", d.Name);
        yield return ("mlflow.source.git.commit", d.GitCommit);
        yield return ("stage", rng.Pick(Vocabulary.Stages));
        if (rng.Chance(0.1))
        {
            yield return ("mlflow.log-model.history",
                $"[{{\"run_id\": \"{r.Uuid}\", \"artifact_path\": \"model\", \"utc_time_created\": \"{DateTimeOffset.FromUnixTimeMilliseconds(r.StartTime):yyyy-MM-dd HH:mm:ss.ffffff}\", \"flavors\": {{\"python_function\": {{\"loader_module\": \"mlflow.sklearn\", \"python_version\": \"3.11.7\"}}, \"sklearn\": {{\"pickled_model\": \"model.pkl\", \"sklearn_version\": \"1.4.2\", \"serialization_format\": \"cloudpickle\"}}}}, \"model_uuid\": \"{rng.Hex32()}\", \"mlflow_version\": \"2.14.1\"}}]");
        }
    }

    /// <summary>
    /// Each of the experiment's metric keys at every step, as training logs them: losses fall,
    /// scores rise, the learning rate decays, with noise; a diverging run logs NaN at the end
    /// (stored as MLflow stores it: value 0, is_nan true).
    /// </summary>
    public static void Metrics(WorkloadSpec spec, ExperimentModel e, RunModel r, Action<string, double, long, long, bool> emit)
    {
        var rng = Rng.For(spec.Seed, "metrics", r.Index);
        var end = r.EndTime ?? spec.NowMs;
        var stepMs = Math.Max(1, (end - r.StartTime) / r.Steps);
        var diverges = rng.Chance(0.002);
        foreach (var key in e.MetricKeys)
        {
            var tau = Math.Max(1.0, r.Steps * (0.1 + rng.NextDouble() * 0.4));
            var floor = 0.02 + rng.NextDouble() * 0.3;
            var start = 0.8 + rng.NextDouble() * 1.5;
            var top = 0.6 + rng.NextDouble() * 0.39;
            var noise = 0.005 + rng.NextDouble() * 0.02;
            var lr0 = Math.Pow(10, -1 - rng.NextDouble() * 3);
            var lossLike = Array.IndexOf(Vocabulary.LossLike, key) >= 0;
            for (var step = 0; step < r.Steps; step++)
            {
                var decay = Math.Exp(-step / tau);
                double value = key switch
                {
                    "learning_rate" => lr0 * Math.Pow(0.97, step),
                    "epoch_time_s" => 30 + rng.Normal() * 3,
                    "grad_norm" => 1 + Math.Abs(rng.Normal()),
                    _ when lossLike => floor + (start - floor) * decay + rng.Normal() * noise,
                    _ => Math.Clamp(top - (top - 0.1) * decay + rng.Normal() * noise, 0, 1),
                };
                var isNan = diverges && lossLike && step >= r.Steps * 9 / 10;
                emit(key, isNan ? 0 : value, r.StartTime + (step + 1) * stepMs, step, isNan);
            }
        }
    }

    /// <summary>A training configuration logged as one param: hundreds to a few thousand characters.</summary>
    private static string LongConfig(ref Rng rng)
    {
        var sb = new StringBuilder("{\"layers\": [");
        var layers = 8 + rng.Next(60);
        for (var i = 0; i < layers; i++)
        {
            if (i > 0) sb.Append(", ");
            sb.Append(CultureInfo.InvariantCulture, $"{{\"type\": \"dense\", \"units\": {32 << rng.Next(5)}, \"activation\": \"{(rng.Chance(0.5) ? "relu" : "gelu")}\"}}");
        }
        sb.Append(CultureInfo.InvariantCulture, $"], \"optimizer\": {{\"name\": \"adamw\", \"betas\": [0.9, 0.999], \"eps\": 1e-08}}, \"seed\": {rng.Next(0, 1 << 30)}}}");
        return sb.ToString();
    }
}
