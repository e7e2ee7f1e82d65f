using Dbops.Verify.Net;

namespace Dbops.Verify.Redis;

/// <summary>A connection to a Redis server that sends one command and reads its reply at a time.</summary>
public sealed class RespConnection(Stream stream, IDisposable? owner = null) : IAsyncDisposable
{
    private readonly BufferedReader reader = new(stream);

    public async Task<RespValue> CommandAsync(CancellationToken ct, params string[] args)
    {
        await stream.WriteAsync(RespProtocol.EncodeCommand(args), ct);
        await stream.FlushAsync(ct);
        return await RespProtocol.ReadAsync(reader, ct);
    }

    public async ValueTask DisposeAsync()
    {
        await stream.DisposeAsync();
        owner?.Dispose();
    }
}
