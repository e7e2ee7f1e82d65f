using Dbops.Output;
using System.Security.Authentication;
using Dbops.Contract;
using Dbops.Verify.Net;
using StackExchange.Redis;

namespace Dbops.Verify.Redis;

/// <summary>The token was refused; carries Redis's error code, never the token.</summary>
public sealed class RedisAuthException(string code, string serverMessage) : Exception($"AUTH refused: {serverMessage}")
{
    public string Code => code;
}

/// <summary>The port answers Redis in plaintext although the contract requires TLS.</summary>
public sealed class RedisPlaintextException(string answer)
    : Exception($"the server speaks plaintext Redis where the contract requires TLS (redis.tlsRequired): a plaintext PING was answered with {answer}, so a TLS handshake gets no answer (is in-transit encryption enabled on the cache?)");

/// <summary>
/// One Redis endpoint of the contract (the primary, or the reader endpoint), reached through
/// StackExchange.Redis. The checks of an endpoint share one authenticated connection; the
/// auth check opens its own without the token. Connecting is bounded by the check timeout, and
/// where TLS is required a plaintext PING runs beside the first connection: a server that
/// answers it speaks plaintext, and every check says so at once instead of waiting out a TLS
/// handshake that never completes.
/// </summary>
public sealed class RedisEndpoint : INetworkEndpoint, IAsyncDisposable
{
    private readonly RedisTarget target;
    private readonly TimeSpan timeout;
    private readonly Lazy<Task<ConnectionMultiplexer>> shared;
    private readonly Lazy<Task<PlaintextAnswer>> plaintext;
    private readonly CancellationTokenSource disposed = new();

    public RedisEndpoint(RedisTarget target, string role, string host, TlsClient tls, TimeSpan timeout)
    {
        this.target = target;
        this.timeout = timeout;
        Role = role;
        Host = host;
        Tls = tls;
        shared = new(() => ConnectAsync(target.AuthToken.Reveal(), disposed.Token));
        plaintext = new(() => RedisPlaintextProbe.SendAsync(host, target.Port, disposed.Token));
    }

    public RedisTarget Target => target;
    public string Role { get; }
    public string Host { get; }
    public TlsClient Tls { get; }

    /// <summary>What a plaintext PING got, asked once per endpoint and shared by the checks.</summary>
    public Task<PlaintextAnswer> PlaintextAnswerAsync(CancellationToken ct) => plaintext.Value.WaitAsync(ct);

    /// <summary>The endpoint's server on the shared connection authenticated with the contract's token.</summary>
    public async Task<IServer> ServerAsync(CancellationToken ct)
    {
        var mux = await GuardAsync(shared.Value, ct);
        return mux.GetServer(Host, target.Port);
    }

    /// <summary>A connection of its own with <paramref name="token"/> (null: none), for the auth check; dispose it.</summary>
    public Task<ConnectionMultiplexer> ConnectOwnAsync(string? token, CancellationToken ct) => GuardAsync(ConnectAsync(token, ct), ct);

    /// <summary>
    /// Waits for <paramref name="attempt"/>; where TLS is required, fails it early when the port
    /// turns out to answer plaintext Redis, and explains a failed attempt by that too.
    /// </summary>
    public async Task<T> GuardAsync<T>(Task<T> attempt, CancellationToken ct)
    {
        if (!target.TlsRequired) return await attempt.WaitAsync(ct);
        var probe = plaintext.Value;
        var first = await Task.WhenAny(attempt, probe).WaitAsync(ct);
        if (first == probe && probe.IsCompletedSuccessfully && probe.Result.SpeaksPlaintextRedis)
        {
            Abandon(attempt);
            throw new RedisPlaintextException(probe.Result.Detail);
        }
        try
        {
            return await attempt.WaitAsync(ct);
        }
        catch (Exception) when (!ct.IsCancellationRequested)
        {
            if (await SpeaksPlaintextAsync(probe, ct) is { } answer) throw new RedisPlaintextException(answer);
            throw;
        }
    }

    private static async Task<string?> SpeaksPlaintextAsync(Task<PlaintextAnswer> probe, CancellationToken ct)
    {
        try
        {
            var answer = await probe.WaitAsync(ct);
            return answer.SpeaksPlaintextRedis ? answer.Detail : null;
        }
        catch (Exception e) when (e is IOException or System.Net.Sockets.SocketException)
        {
            return null;
        }
    }

    private async Task<ConnectionMultiplexer> ConnectAsync(string? token, CancellationToken ct)
    {
        var options = new ConfigurationOptions
        {
            EndPoints = { { Host, target.Port } },
            Password = token,
            Ssl = target.TlsRequired,
            SslHost = Host,
            SslProtocols = SslProtocols.Tls12 | SslProtocols.Tls13,
            CheckCertificateRevocation = false,
            ClientName = "dbops-verify",
            // INFO is an "admin" command to StackExchange.Redis; the checks only read with it.
            AllowAdmin = true,
            // Fail rather than retry in the background: a check reports what it found, once.
            AbortOnConnectFail = true,
            ConnectRetry = 1,
            ConnectTimeout = Milliseconds(timeout),
            AsyncTimeout = Milliseconds(timeout),
            SyncTimeout = Milliseconds(timeout),
            // No GET of a tie-breaker key: one endpoint, nothing to elect, and the verifier reads no data.
            TieBreaker = "",
        };
        options.CertificateValidation += Tls.Trust.CallbackFor(Host);
        var connecting = ConnectionMultiplexer.ConnectAsync(options);
        var started = RunTimings.Begin();
        try
        {
            var mux = await connecting.WaitAsync(ct);
            RunTimings.End(started, $"redis {Role} connect ({(token is null ? "no token" : "token")})");
            return mux;
        }
        catch (RedisConnectionException e)
        {
            throw Explain(e);
        }
        catch (OperationCanceledException)
        {
            // The driver's connect takes no token: dispose of what it connects after all.
            Abandon(connecting);
            throw;
        }
    }

    /// <summary>The driver's "It was not possible to connect" with the reason it carries: a refused token, a refused certificate.</summary>
    private Exception Explain(RedisConnectionException e)
    {
        if (e.FailureType == ConnectionFailureType.AuthenticationFailure && e.InnerException is RedisServerException server)
        {
            // StackExchange.Redis prefixes the server's error with its RESP type ("SimpleError: WRONGPASS ...").
            var text = server.Message.StartsWith("SimpleError: ", StringComparison.Ordinal) ? server.Message["SimpleError: ".Length..] : server.Message;
            return new RedisAuthException(text.Split(' ', 2)[0], text);
        }
        if (Tls.Trust.RejectionFor(Host) is { } rejected)
        {
            return new AuthenticationException($"the server's certificate was rejected: {rejected}", new AuthenticationException(e.Message));
        }
        return e;
    }

    private static void Abandon<T>(Task<T> attempt) =>
        _ = attempt.ContinueWith(t =>
        {
            if (!t.IsCompletedSuccessfully) return t.Exception;
            // A connection, or a tuple that holds one (the TLS probe's stream and what it negotiated).
            var owned = t.Result is System.Runtime.CompilerServices.ITuple tuple && tuple.Length > 0 ? tuple[0] : t.Result;
            (owned as IDisposable)?.Dispose();
            return t.Exception;
        }, TaskScheduler.Default);

    private static int Milliseconds(TimeSpan t) => (int)Math.Clamp(t.TotalMilliseconds, 1, int.MaxValue);

    public override string ToString() => $"{Role} {Host}:{target.Port}";

    public async ValueTask DisposeAsync()
    {
        disposed.Cancel();
        if (shared.IsValueCreated && shared.Value.IsCompletedSuccessfully) await shared.Value.Result.DisposeAsync();
        else if (shared.IsValueCreated) Abandon(shared.Value);
        if (plaintext.IsValueCreated) _ = plaintext.Value.ContinueWith(t => t.Exception, TaskScheduler.Default);
        disposed.Dispose();
    }
}
