using System.Globalization;
using System.Text.RegularExpressions;

namespace Dbops.Maintain;

/// <summary>
/// What a VACUUM (VERBOSE) reported for the table itself (not its TOAST table): rows removed,
/// remaining, and dead ones it could not remove yet because an older transaction may still see
/// them (a long transaction or a replica's feedback holding the horizon back).
/// </summary>
internal static partial class VacuumVerbose
{
    public static string Summary(IEnumerable<string> notices, string table)
    {
        var name = table.Replace("\"", "", StringComparison.Ordinal);
        foreach (var n in notices)
        {
            var header = Finished().Match(n);
            if (!header.Success || !header.Groups["rel"].Value.EndsWith("." + name, StringComparison.Ordinal)) continue;
            var t = Tuples().Match(n);
            if (!t.Success) break;
            var removed = long.Parse(t.Groups["removed"].Value, CultureInfo.InvariantCulture);
            var remain = long.Parse(t.Groups["remain"].Value, CultureInfo.InvariantCulture);
            var stuck = long.Parse(t.Groups["dead"].Value, CultureInfo.InvariantCulture);
            var held = stuck > 0 ? $" ({stuck:N0} dead but not yet removable: an older transaction may still see them)" : "";
            return string.Create(CultureInfo.InvariantCulture, $"removed {removed:N0} dead rows, {remain:N0} remain{held}; statistics refreshed");
        }
        return "vacuumed; statistics refreshed";
    }

    [GeneratedRegex(@"finished vacuuming ""(?<rel>[^""]+)""")]
    private static partial Regex Finished();

    [GeneratedRegex(@"tuples: (?<removed>\d+) removed, (?<remain>\d+) remain, (?<dead>\d+) are dead but not yet removable")]
    private static partial Regex Tuples();
}
