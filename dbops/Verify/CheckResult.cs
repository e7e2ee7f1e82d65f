namespace Dbops.Verify;

public enum CheckStatus { Pass, Warn, Fail, Skip }

/// <summary>
/// What one check found. Checks return it with their status, message and figures; the
/// runner stamps which check it was and how long it took, so no check times itself.
/// </summary>
public sealed record CheckResult(CheckStatus Status, string Message, IReadOnlyDictionary<string, object?> Data)
{
    public string Check { get; init; } = "";
    public string Category { get; init; } = "";
    public TimeSpan Duration { get; init; }

    private static readonly IReadOnlyDictionary<string, object?> NoData = new Dictionary<string, object?>();

    public static CheckResult Pass(string message, IReadOnlyDictionary<string, object?>? data = null) => new(CheckStatus.Pass, message, data ?? NoData);
    public static CheckResult Warn(string message, IReadOnlyDictionary<string, object?>? data = null) => new(CheckStatus.Warn, message, data ?? NoData);
    public static CheckResult Fail(string message, IReadOnlyDictionary<string, object?>? data = null) => new(CheckStatus.Fail, message, data ?? NoData);
    public static CheckResult Skip(string message, IReadOnlyDictionary<string, object?>? data = null) => new(CheckStatus.Skip, message, data ?? NoData);
}
