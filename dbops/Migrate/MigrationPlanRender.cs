using System.Text;
using Dbops.Output;

namespace Dbops.Migrate;

/// <summary>
/// The plan for <paramref name="target"/> as a table: every migration of this build, its state, how it
/// runs, and with <paramref name="statements"/> (--dry-run) each pending statement. Text only:
/// dbops migrate has no --format json.
/// </summary>
public sealed class MigrationPlanRender(string target, bool statements) : ITextRenderer<MigrationPlan>
{
    public string Text(MigrationPlan plan)
    {
        var sb = new StringBuilder();
        sb.AppendLine($"migrations for {target}:");
        sb.AppendLine($"  {"version",-8} {"description",-28} {"state",-9} {"runs",-16} {"checksum",-12} applied");
        foreach (var s in plan.Steps)
        {
            var runs = s.Migration.NoTransaction ? "statement-wise" : "in transaction";
            var state = s.State switch { MigrationState.Applied => "applied", MigrationState.Pending => "pending", _ => "CHANGED" };
            var when = s.Applied is null ? "" : $"{s.Applied.InstalledOn:yyyy-MM-dd HH:mm}Z by {s.Applied.InstalledBy}";
            sb.AppendLine($"  {"V" + s.Migration.Version,-8} {s.Migration.Description,-28} {state,-9} {runs,-16} {s.Migration.Checksum[..12],-12} {when}".TrimEnd());
            if (!statements) continue;
            foreach (var statement in s.Migration.Statements)
            {
                var conditional = plan.Conditional(s.Migration, statement);
                var line = PlatformMigrations.Abbreviate(SqlStatements.Normalize(statement));
                if (s.State == MigrationState.Pending)
                {
                    sb.AppendLine(conditional is { TableExists: false }
                        ? $"      skipped: {line}{Environment.NewLine}        (this MLflow release has no table {conditional.Index.Table}; built by the first dbops migrate after MLflow creates it)"
                        : $"      {line}");
                }
                else if (s.State == MigrationState.Applied && conditional is { CatchUp: true })
                {
                    sb.AppendLine($"      builds: {line}{Environment.NewLine}        (table {conditional.Index.Table} exists now: MLflow's upgrade created it after {s.Migration.Name} was applied)");
                }
            }
        }
        foreach (var u in plan.Unknown)
        {
            sb.AppendLine($"  {"V" + u.Version,-8} {u.Description,-28} {"UNKNOWN",-9} {"",-16} {u.Checksum[..Math.Min(12, u.Checksum.Length)],-12} {u.InstalledOn:yyyy-MM-dd HH:mm}Z by {u.InstalledBy}");
        }
        foreach (var p in plan.Problems) sb.AppendLine($"  problem: {p}");
        var catchUp = plan.CatchUpBuilds.Count();
        sb.AppendLine($"  {plan.Pending.Count()} pending of {plan.Steps.Count}{(catchUp > 0 ? $", and {catchUp} index(es) of applied migrations to build where MLflow created their tables" : "")}");
        return sb.ToString();
    }
}
