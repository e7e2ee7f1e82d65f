using System.Globalization;
using System.Text;
using System.Xml;
using System.Xml.Linq;

namespace Dbops.Verify.Reports;

/// <summary>
/// JUnit XML for CI systems that chart test results: one test case per check, grouped by
/// store. Warnings pass but carry their message in system-out so they stay visible.
/// </summary>
public static class JUnitReport
{
    public static XDocument Build(VerificationReport report, string stack)
    {
        var suites = new XElement("testsuites",
            new XAttribute("name", $"dbops verify {stack}"),
            new XAttribute("tests", report.Results.Count),
            new XAttribute("failures", report.Count(CheckStatus.Fail)),
            new XAttribute("skipped", report.Count(CheckStatus.Skip)),
            new XAttribute("time", Seconds(report.Elapsed)));
        foreach (var group in report.Results.GroupBy(r => r.Category.Split('.')[0]))
        {
            var suite = new XElement("testsuite",
                new XAttribute("name", group.Key),
                new XAttribute("tests", group.Count()),
                new XAttribute("failures", group.Count(r => r.Status == CheckStatus.Fail)),
                new XAttribute("skipped", group.Count(r => r.Status == CheckStatus.Skip)),
                new XAttribute("time", Seconds(TimeSpan.FromTicks(group.Max(r => r.Duration.Ticks)))));
            foreach (var r in group) suite.Add(Case(r));
            suites.Add(suite);
        }
        return new XDocument(new XDeclaration("1.0", "utf-8", null), suites);
    }

    /// <summary>
    /// The report of a run that never got to its checks (exit 2: unusable input): one failed test
    /// case saying why, so that a CI step that publishes the file shows the reason instead of a missing file.
    /// </summary>
    public static XDocument UnusableInput(string message, string? stack)
    {
        var name = stack is null ? "dbops verify" : $"dbops verify {stack}";
        var testCase = new XElement("testcase", new XAttribute("classname", "dbops"), new XAttribute("name", "dbops.input"), new XAttribute("time", "0.000"),
            new XElement("failure", new XAttribute("message", message), message));
        return new XDocument(new XDeclaration("1.0", "utf-8", null),
            new XElement("testsuites", new XAttribute("name", name), new XAttribute("tests", 1), new XAttribute("failures", 1), new XAttribute("skipped", 0), new XAttribute("time", "0.000"),
                new XElement("testsuite", new XAttribute("name", "dbops"), new XAttribute("tests", 1), new XAttribute("failures", 1), new XAttribute("skipped", 0), new XAttribute("time", "0.000"),
                    testCase)));
    }

    /// <summary>Writes the file as UTF-8 without a byte-order mark (XDocument.Save writes one, which some JUnit readers reject).</summary>
    public static void Write(XDocument document, string path)
    {
        using var writer = XmlWriter.Create(path, new XmlWriterSettings { Encoding = new UTF8Encoding(encoderShouldEmitUTF8Identifier: false), Indent = true, Async = false });
        document.Save(writer);
    }

    private static XElement Case(CheckResult r)
    {
        var e = new XElement("testcase",
            new XAttribute("classname", r.Category),
            new XAttribute("name", r.Check),
            new XAttribute("time", Seconds(r.Duration)));
        switch (r.Status)
        {
            case CheckStatus.Fail:
                e.Add(new XElement("failure", new XAttribute("message", r.Message), r.Message));
                break;
            case CheckStatus.Skip:
                e.Add(new XElement("skipped", new XAttribute("message", r.Message)));
                break;
            default:
                e.Add(new XElement("system-out", $"{VerificationRender.Label(r.Status)}: {r.Message}"));
                break;
        }
        return e;
    }

    private static string Seconds(TimeSpan t) => t.TotalSeconds.ToString("0.000", CultureInfo.InvariantCulture);
}
