using System.Net;
using System.Net.Sockets;

namespace Dbops.Tests;

/// <summary>
/// A host that accepts every connection and never sends a byte, nor closes: what a stalled
/// server, a wrong port behind a load balancer or a black-holing proxy looks like to a client.
/// </summary>
public sealed class SilentHost : IDisposable
{
    private readonly TcpListener listener = new(IPAddress.Loopback, 0);
    private readonly List<TcpClient> held = [];
    private readonly CancellationTokenSource stop = new();

    public SilentHost()
    {
        listener.Start();
        _ = AcceptAsync();
    }

    public int Port => ((IPEndPoint)listener.LocalEndpoint).Port;

    /// <summary>Connections accepted so far: proves the client got through and then waited.</summary>
    public int Accepted { get { lock (held) return held.Count; } }

    private async Task AcceptAsync()
    {
        while (!stop.IsCancellationRequested)
        {
            try
            {
                var c = await listener.AcceptTcpClientAsync(stop.Token);
                lock (held) held.Add(c);
            }
            catch (Exception e) when (e is OperationCanceledException or ObjectDisposedException or SocketException)
            {
                return;
            }
        }
    }

    public void Dispose()
    {
        stop.Cancel();
        listener.Stop();
        lock (held) foreach (var c in held) c.Dispose();
        stop.Dispose();
    }
}
