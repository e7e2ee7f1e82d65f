using System.Text.Encodings.Web;
using System.Text.Json;

namespace Dbops.Output;

/// <summary>How dbops writes JSON for other tools.</summary>
public static class JsonOutput
{
    /// <summary>
    /// The relaxed encoder: quotes as \" and '+', '&lt;', '&amp;' and non-ASCII as themselves, not
    /// \u0022 or \u002B. The default encoder escapes them in case the text lands in HTML; dbops'
    /// JSON goes to stdout and files, where those escapes only make it harder to read and grep.
    /// </summary>
    public static readonly JavaScriptEncoder Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping;

    /// <summary>Indented, with <see cref="Encoder"/>: the options of every report built as a JSON tree.</summary>
    public static readonly JsonSerializerOptions Indented = new() { WriteIndented = true, Encoder = Encoder };
}
