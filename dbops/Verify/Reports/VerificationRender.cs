using System.Text;

namespace Dbops.Verify.Reports;

/// <summary>The human report: one line per check, then a summary line.</summary>
public static class TableReport
{
    public static string Render(VerificationReport report, string stack)
    {
        var rows = report.Results;
        var idWidth = Math.Max(5, rows.Count == 0 ? 0 : rows.Max(r => r.Check.Length));
        var sb = new StringBuilder();
        sb.AppendLine($"dbops verify: stack {stack}");
        sb.AppendLine($"{"STATUS",-6}  {"CHECK".PadRight(idWidth)}  {"TIME",8}  MESSAGE");
        foreach (var r in rows)
        {
            sb.AppendLine($"{Label(r.Status),-6}  {r.Check.PadRight(idWidth)}  {Millis(r.Duration),8}  {r.Message}");
        }
        sb.AppendLine(Summary(report));
        return sb.ToString();
    }

    public static string Summary(VerificationReport report) =>
        $"{(report.Failed ? "FAILED" : "OK")}: {report.Count(CheckStatus.Pass)} passed, {report.Count(CheckStatus.Fail)} failed, "
        + $"{report.Count(CheckStatus.Warn)} warnings, {report.Count(CheckStatus.Skip)} skipped in {Millis(report.Elapsed)}";

    public static string Label(CheckStatus s) => s switch
    {
        CheckStatus.Pass => "PASS",
        CheckStatus.Warn => "WARN",
        CheckStatus.Fail => "FAIL",
        _ => "SKIP",
    };

    private static string Millis(TimeSpan t) => $"{t.TotalMilliseconds:0} ms";
}
