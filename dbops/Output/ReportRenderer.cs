namespace Dbops.Output;

/// <summary>
/// How every dbops command turns its result into what it prints on stdout. One renderer per
/// result, in the feature's own folder, named <c>&lt;Result&gt;Render</c>; constructed with what
/// the heading names (the target or the stack, a flag that changes the wording), then given the
/// result. The CLI picks the form from --format and scrubs the text of credentials before writing.
/// </summary>
public interface ITextRenderer<in TResult>
{
    /// <summary>For a terminal: lines, each ending with a newline.</summary>
    string Text(TResult result);
}

/// <inheritdoc cref="ITextRenderer{TResult}"/>
public interface IReportRenderer<in TResult> : ITextRenderer<TResult>
{
    /// <summary>For other tools: one JSON document, indented, without a trailing newline (the CLI adds it).</summary>
    string Json(TResult result);
}
