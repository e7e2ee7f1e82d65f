using System.Globalization;
using System.Text;
using System.Text.Json.Nodes;
using Dbops.Output;

namespace Dbops.Maintain;

/// <summary><c>dbops maintain vacuum|reindex</c> (<paramref name="task"/>) on <paramref name="target"/>: every step, how it ended and how long it took.</summary>
public sealed class MaintenanceRender(string target, string task) : IReportRenderer<IReadOnlyList<MaintenanceStep>>
{
    /// <summary>The same steps for other tools: outcome as a word (done, skipped-locked, not-reached, failed), times in seconds.</summary>
    public string Json(IReadOnlyList<MaintenanceStep> steps)
    {
        var items = new JsonArray();
        foreach (var s in steps)
        {
            items.Add((JsonNode)new JsonObject
            {
                ["task"] = s.Task, ["target"] = s.Target, ["outcome"] = Outcome(s.Outcome),
                ["seconds"] = Math.Round(s.Took.TotalSeconds, 3), ["detail"] = s.Detail,
            });
        }
        var counts = new JsonObject();
        foreach (var o in Enum.GetValues<StepOutcome>()) counts[Outcome(o)] = steps.Count(s => s.Outcome == o);
        var doc = new JsonObject { ["target"] = target, ["task"] = task, ["counts"] = counts, ["steps"] = items };
        return doc.ToJsonString(JsonOutput.Indented);
    }

    private static string Outcome(StepOutcome o) => o switch
    {
        StepOutcome.Done => "done",
        StepOutcome.SkippedLocked => "skipped-locked",
        StepOutcome.NotReached => "not-reached",
        _ => "failed",
    };

    public string Text(IReadOnlyList<MaintenanceStep> steps)
    {
        var sb = new StringBuilder();
        sb.AppendLine($"maintenance of {target}:");
        foreach (var s in steps)
        {
            var outcome = s.Outcome switch { StepOutcome.Done => "done", StepOutcome.SkippedLocked => "SKIPPED", StepOutcome.NotReached => "not reached", _ => "FAILED" };
            sb.AppendLine(string.Create(CultureInfo.InvariantCulture, $"  {s.Task,-8} {s.Target,-60} {outcome,-12} {s.Took.TotalSeconds,8:0.00} s  {s.Detail}"));
        }
        var by = steps.GroupBy(s => s.Outcome).ToDictionary(g => g.Key, g => g.Count());
        sb.AppendLine(string.Create(CultureInfo.InvariantCulture,
            $"{by.GetValueOrDefault(StepOutcome.Done)} done, {by.GetValueOrDefault(StepOutcome.SkippedLocked)} skipped for a lock, {by.GetValueOrDefault(StepOutcome.NotReached)} not reached, {by.GetValueOrDefault(StepOutcome.Failed)} failed in {steps.Sum(s => s.Took.TotalSeconds):0.0} s"));
        return sb.ToString();
    }
}
