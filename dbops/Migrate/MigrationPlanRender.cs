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
            if (!statements || s.State != MigrationState.Pending) continue;
            foreach (var statement in s.Migration.Statements)
            {
                sb.AppendLine($"      {PlatformMigrations.Abbreviate(SqlStatements.Normalize(statement))}");
            }
        }
        foreach (var u in plan.Unknown)
        {
            sb.AppendLine($"  {"V" + u.Version,-8} {u.Description,-28} {"UNKNOWN",-9} {"",-16} {u.Checksum[..Math.Min(12, u.Checksum.Length)],-12} {u.InstalledOn:yyyy-MM-dd HH:mm}Z by {u.InstalledBy}");
        }
        foreach (var p in plan.Problems) sb.AppendLine($"  problem: {p}");
        sb.AppendLine($"  {plan.Pending.Count()} pending of {plan.Steps.Count}");
        return sb.ToString();
    }
}
