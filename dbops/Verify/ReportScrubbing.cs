using Dbops.Data;

namespace Dbops.Verify;

/// <summary>
/// The scrubber applied to verify's own results: the message and every figure of each check,
/// before any report form (table, JSON, JUnit) sees them.
/// </summary>
public static class ReportScrubbing
{
    public static CheckResult Scrub(this SecretScrubber scrubber, CheckResult r) => r with
    {
        Message = scrubber.Scrub(r.Message),
        Data = r.Data.ToDictionary(kv => kv.Key, kv => ScrubValue(scrubber, kv.Value)),
    };

    public static VerificationReport Scrub(this SecretScrubber scrubber, VerificationReport report) =>
        report with { Results = report.Results.Select(r => scrubber.Scrub(r)).ToArray() };

    private static object? ScrubValue(SecretScrubber scrubber, object? value) => value switch
    {
        string s => scrubber.Scrub(s),
        IEnumerable<string> list => list.Select(s => scrubber.Scrub(s)).ToArray(),
        _ => value,
    };
}
