using Dbops.Contract;

namespace Dbops.Data;

/// <summary>
/// The last line of defence before anything is printed: replaces every credential of the
/// contract, should a driver or server ever echo one, with the mask. Checks never put
/// secrets in results on purpose; this catches what they cannot foresee.
/// </summary>
public sealed class SecretScrubber(IEnumerable<Secret> secrets)
{
    private readonly string[] values = secrets.Select(s => s.Reveal()).Where(v => v.Length > 0).Distinct().ToArray();

    public string Scrub(string text)
    {
        foreach (var v in values)
        {
            text = text.Replace(v, Secret.Mask, StringComparison.Ordinal);
        }
        return text;
    }
}
