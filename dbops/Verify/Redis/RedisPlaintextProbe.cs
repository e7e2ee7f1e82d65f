using System.Net.Sockets;
using System.Text;
using Dbops.Verify.Net;

namespace Dbops.Verify.Redis;

/// <summary>What a plaintext PING to the port got back.</summary>
public enum PlaintextAnswerKind
{
    /// <summary>A RESP reply (+PONG, -NOAUTH ...): the port speaks Redis unencrypted.</summary>
    Resp,
    /// <summary>Bytes that are no RESP reply (a TLS alert): the port speaks something else, TLS for a TLS server.</summary>
    NotResp,
    /// <summary>The server closed the connection, as a TLS server does on bytes that are no TLS record.</summary>
    Closed,
    /// <summary>Nothing within the wait, the connection still open: whatever listens there is not a working TLS server either.</summary>
    Silent,
}

/// <summary>The answer, and for a RESP reply what it said (PONG, or the error's code such as NOAUTH).</summary>
public sealed record PlaintextAnswer(PlaintextAnswerKind Kind, string Detail)
{
    public bool SpeaksPlaintextRedis => Kind == PlaintextAnswerKind.Resp;
}

/// <summary>
/// A PING sent without TLS, and the first line of whatever comes back. This is the one piece of
/// the Redis protocol dbops still writes itself: StackExchange.Redis cannot be told to speak
/// plaintext to a port and report what the server answered (with ssl=false it retries until
/// its connect timeout and says only that it could not connect), and both plaintext-refused
/// and the fast diagnosis of a plaintext server where TLS is required need exactly that answer.
/// </summary>
public static class RedisPlaintextProbe
{
    /// <summary>PING as a RESP array of one bulk string (redis.io/docs/latest/develop/reference/protocol-spec).</summary>
    private static readonly byte[] Ping = "*1\r\n$4\r\nPING\r\n"u8.ToArray();

    /// <summary>A TLS server refuses a non-TLS record at once (OpenSSL: "wrong version number", then closes); one silent this long is not answering TLS.</summary>
    public static readonly TimeSpan ReplyWait = TimeSpan.FromSeconds(1);

    /// <summary>Enough for "-NOAUTH Authentication required." and any simple reply; a longer first line is no reply to PING.</summary>
    private const int MaxLine = 512;

    public static async Task<PlaintextAnswer> SendAsync(string host, int port, CancellationToken ct)
    {
        using var tcp = await TlsClient.ConnectTcpAsync(host, port, ct);
        var stream = tcp.GetStream();
        using var wait = CancellationTokenSource.CreateLinkedTokenSource(ct);
        wait.CancelAfter(ReplyWait);
        var line = new List<byte>();
        var buffer = new byte[MaxLine];
        try
        {
            await stream.WriteAsync(Ping, wait.Token);
            while (line.Count < MaxLine)
            {
                var n = await stream.ReadAsync(buffer.AsMemory(0, MaxLine - line.Count), wait.Token);
                if (n == 0) return line.Count == 0 ? new(PlaintextAnswerKind.Closed, "connection closed") : Judge(line);
                line.AddRange(buffer.Take(n));
                if (line.Contains((byte)'\n')) break;
            }
            return Judge(line);
        }
        catch (OperationCanceledException) when (!ct.IsCancellationRequested)
        {
            return line.Count == 0 ? new(PlaintextAnswerKind.Silent, $"no reply within {ReplyWait.TotalSeconds:0} s") : Judge(line);
        }
        catch (IOException e) when (e.InnerException is SocketException)
        {
            // A reset right after the PING: the server refused what it got.
            return new(PlaintextAnswerKind.Closed, e.InnerException.Message);
        }
    }

    /// <summary>A RESP reply is a type byte, text and CRLF; anything else (a TLS alert starts with 0x15) is not one.</summary>
    private static PlaintextAnswer Judge(List<byte> bytes)
    {
        var end = bytes.IndexOf((byte)'\n');
        if (bytes.Count == 0 || !"+-:$*_".Contains((char)bytes[0]) || end < 1 || bytes[end - 1] != '\r')
        {
            return new(PlaintextAnswerKind.NotResp, "the reply is not RESP");
        }
        var text = Encoding.Latin1.GetString(bytes.GetRange(1, end - 2).ToArray());
        // An error is named by its first word (NOAUTH, WRONGPASS ...), as Redis classifies them.
        return new(PlaintextAnswerKind.Resp, bytes[0] == '-' ? text.Split(' ', 2)[0] : text);
    }
}
