using System.Globalization;
using Dbops.Verify.Net;
using System.Text;

namespace Dbops.Verify.Redis;

/// <summary>
/// The RESP2 wire format, both ways: commands are encoded as arrays of bulk strings, replies
/// read from a stream. Only what the verifier needs; no pipelining, no pub/sub, no RESP3.
/// </summary>
public static class RespProtocol
{
    /// <summary>Longest bulk string or array accepted: a reply larger than this is not one the verifier asked for.</summary>
    public const int MaxLength = 16 * 1024 * 1024;

    public static byte[] EncodeCommand(params string[] args)
    {
        var sb = new StringBuilder();
        sb.Append('*').Append(args.Length).Append("\r\n");
        foreach (var a in args)
        {
            sb.Append('$').Append(Encoding.UTF8.GetByteCount(a)).Append("\r\n").Append(a).Append("\r\n");
        }
        return Encoding.UTF8.GetBytes(sb.ToString());
    }

    public static async Task<RespValue> ReadAsync(BufferedReader reader, CancellationToken ct)
    {
        var line = await reader.ReadLineAsync(ct);
        if (line.Length == 0) throw new FormatException("empty RESP reply line");
        var body = line[1..];
        switch (line[0])
        {
            case '+':
                return new RespValue(RespKind.SimpleString, body);
            case '-':
                return new RespValue(RespKind.Error, body);
            case ':':
                return new RespValue(RespKind.Integer, Integer: ParseLong(body));
            case '$':
            {
                var length = ParseLength(body);
                if (length < 0) return RespValue.Null;
                var bytes = await reader.ReadExactlyAsync(length + 2, ct);
                if (bytes[length] != '\r' || bytes[length + 1] != '\n') throw new FormatException("bulk string not terminated by CRLF");
                return new RespValue(RespKind.BulkString, Encoding.UTF8.GetString(bytes, 0, length));
            }
            case '*':
            {
                var count = ParseLength(body);
                if (count < 0) return RespValue.Null;
                var items = new RespValue[count];
                for (var i = 0; i < count; i++) items[i] = await ReadAsync(reader, ct);
                return new RespValue(RespKind.Array, Items: items);
            }
            default:
                throw new FormatException($"not a RESP reply (starts with byte 0x{(int)line[0]:x2})");
        }
    }

    private static long ParseLong(string s) =>
        long.TryParse(s, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var n) ? n : throw new FormatException("malformed RESP integer");

    private static int ParseLength(string s)
    {
        var n = ParseLong(s);
        if (n < -1 || n > MaxLength) throw new FormatException($"RESP length {n} out of range");
        return (int)n;
    }
}
