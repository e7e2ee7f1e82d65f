namespace Dbops.Verify.Redis;

public enum RespKind { SimpleString, Error, Integer, BulkString, Array, Null }

/// <summary>One RESP2 reply: a string, an error, an integer, a bulk string, an array or null.</summary>
public sealed record RespValue(RespKind Kind, string? Text = null, long Integer = 0, IReadOnlyList<RespValue>? Items = null)
{
    public static readonly RespValue Null = new(RespKind.Null);

    public bool IsError => Kind == RespKind.Error;

    /// <summary>The first word of an error reply (NOAUTH, WRONGPASS ...), by which Redis classifies errors.</summary>
    public string ErrorCode => IsError ? (Text ?? "").Split(' ', 2)[0] : "";

    public override string ToString() => Kind switch
    {
        RespKind.Array => $"[{string.Join(", ", Items!)}]",
        RespKind.Integer => Integer.ToString(System.Globalization.CultureInfo.InvariantCulture),
        RespKind.Null => "(nil)",
        RespKind.Error => $"-{Text}",
        _ => Text ?? "",
    };
}
