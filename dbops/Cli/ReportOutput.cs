using Dbops.Contract;
using Dbops.Data;
using Dbops.Output;

namespace Dbops.Cli;

/// <summary>
/// The one way a command prints its result on stdout: the form --format asks for (JSON then
/// alone on stdout, ending with a newline), scrubbed of the target's credentials first.
/// </summary>
internal static class ReportOutput
{
    public static string Format<T>(string format, IReportRenderer<T> renderer, T result) =>
        format == "json" ? renderer.Json(result) + Environment.NewLine : renderer.Text(result);

    public static Task WriteAsync<T>(CliConsole console, string format, IReportRenderer<T> renderer, T result, IEnumerable<Secret> secrets) =>
        console.Out.WriteAsync(new SecretScrubber(secrets).Scrub(Format(format, renderer, result)));

    /// <summary>A result that has only the text form (dbops migrate's plan).</summary>
    public static Task WriteAsync<T>(CliConsole console, ITextRenderer<T> renderer, T result, IEnumerable<Secret> secrets) =>
        console.Out.WriteAsync(new SecretScrubber(secrets).Scrub(renderer.Text(result)));
}
