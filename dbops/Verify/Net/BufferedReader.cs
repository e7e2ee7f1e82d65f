using System.Text;

namespace Dbops.Verify.Net;

/// <summary>Reads CRLF-terminated lines and exact byte counts from a stream, as line-oriented protocols need.</summary>
public sealed class BufferedReader(Stream stream, int maxLine = 64 * 1024)
{
    private readonly byte[] buffer = new byte[8192];
    private int start;
    private int end;

    /// <summary>A line without its CRLF, decoded as Latin-1 so that any byte survives for the caller to judge.</summary>
    public async Task<string> ReadLineAsync(CancellationToken ct)
    {
        var line = new MemoryStream();
        while (true)
        {
            for (var i = start; i < end; i++)
            {
                if (buffer[i] != '\n') continue;
                line.Write(buffer, start, i - start);
                start = i + 1;
                var bytes = line.ToArray();
                var length = bytes.Length > 0 && bytes[^1] == '\r' ? bytes.Length - 1 : bytes.Length;
                return Encoding.Latin1.GetString(bytes, 0, length);
            }
            line.Write(buffer, start, end - start);
            start = end;
            if (line.Length > maxLine) throw new FormatException($"line longer than {maxLine} bytes");
            await FillAsync(ct);
        }
    }

    public async Task<byte[]> ReadExactlyAsync(int count, CancellationToken ct)
    {
        var result = new byte[count];
        var filled = 0;
        while (filled < count)
        {
            if (start == end) await FillAsync(ct);
            var n = Math.Min(count - filled, end - start);
            Array.Copy(buffer, start, result, filled, n);
            start += n;
            filled += n;
        }
        return result;
    }

    private async Task FillAsync(CancellationToken ct)
    {
        start = 0;
        end = await stream.ReadAsync(buffer, ct);
        if (end == 0) throw new EndOfStreamException("the server closed the connection");
    }
}
