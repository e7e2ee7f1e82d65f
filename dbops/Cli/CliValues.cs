using System.CommandLine;
using System.Globalization;

namespace Dbops.Cli;

/// <summary>Option shapes the commands share, each validated so that a bad value is exit 2 naming the flag and what is allowed.</summary>
internal static class CliValues
{
    public static Option<double> Seconds(string name, TimeSpan byDefault, string what) =>
        Positive(new Option<double>(name) { Description = $"{what}, in seconds", DefaultValueFactory = _ => byDefault.TotalSeconds, HelpName = "SECONDS" });

    public static Option<double> Positive(Option<double> option)
    {
        option.Validators.Add(r =>
        {
            if (r.Tokens.Count != 1) return;
            var text = r.Tokens[0].Value;
            if (double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var v) && (!(v > 0) || double.IsInfinity(v)))
            {
                r.AddError($"{option.Name} must be a positive number, got {text}");
            }
        });
        return option;
    }

    /// <summary>--format table|json: the report on stdout, for a terminal or for other tools (JSON only, then: progress goes to stderr).</summary>
    public static Option<string> Format()
    {
        var option = new Option<string>("--format") { Description = "report on stdout: table, or json for other tools", DefaultValueFactory = _ => "table" };
        option.AcceptOnlyFromAmong("table", "json");
        return option;
    }

    public static Option<int> PositiveInt(string name, int byDefault, string what, int max = int.MaxValue)
    {
        var option = new Option<int>(name) { Description = $"{what} (1-{max})", DefaultValueFactory = _ => byDefault, HelpName = "N" };
        option.Validators.Add(r =>
        {
            if (r.Tokens.Count != 1) return;
            var text = r.Tokens[0].Value;
            if (int.TryParse(text, NumberStyles.Integer, CultureInfo.InvariantCulture, out var v) && (v < 1 || v > max))
            {
                r.AddError($"{name} must be a whole number from 1 to {max}, got {text}");
            }
        });
        return option;
    }
}
