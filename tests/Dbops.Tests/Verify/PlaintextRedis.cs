using System.Diagnostics;
using System.Net;
using System.Net.Sockets;

namespace Dbops.Tests.Verify;

/// <summary>
/// A real redis-server on loopback with a token and no TLS: an ElastiCache group created without
/// in-transit encryption looks like this to a client. Stopped on dispose.
/// </summary>
public sealed class PlaintextRedis : IDisposable
{
    public const string Token = "plaintext-test-token";
    private readonly Process process;

    public int Port { get; }

    public PlaintextRedis()
    {
        var probe = new TcpListener(IPAddress.Loopback, 0);
        probe.Start();
        Port = ((IPEndPoint)probe.LocalEndpoint).Port;
        probe.Stop();
        process = Process.Start(new ProcessStartInfo("redis-server",
            ["--port", Port.ToString(), "--bind", "127.0.0.1", "--requirepass", Token, "--save", "", "--appendonly", "no", "--daemonize", "no"])
        {
            RedirectStandardOutput = true,
        })!;
        process.StandardOutput.ReadToEndAsync();
        var until = DateTime.UtcNow.AddSeconds(10);
        while (true)
        {
            try
            {
                using var c = new TcpClient();
                c.Connect(IPAddress.Loopback, Port);
                return;
            }
            catch (SocketException) when (DateTime.UtcNow < until && !process.HasExited)
            {
                Thread.Sleep(50);
            }
        }
    }

    public void Dispose()
    {
        if (!process.HasExited) process.Kill();
        process.WaitForExit();
        process.Dispose();
    }
}
