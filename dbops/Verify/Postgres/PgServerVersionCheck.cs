using Dbops.Data;
using Npgsql;

namespace Dbops.Verify.Postgres;

/// <summary>The engine's major version is the one the stack declares (a minor upgrade is fine, a major one is a migration).</summary>
public sealed class PgServerVersionCheck(PgEndpoint endpoint) : PgCheck(endpoint)
{
    protected override string Name => "version";
    public override string Category => Categories.PostgresServer;

    protected override async Task<CheckResult> CheckAsync(NpgsqlConnection conn, CancellationToken ct)
    {
        var num = await conn.ScalarAsync<int>("select current_setting('server_version_num')::int", ct);
        var text = await conn.ScalarAsync<string>("select current_setting('server_version')", ct);
        var major = num / 10000;
        var expected = Endpoint.Target.EngineMajor;
        var data = Data(("serverVersion", text), ("major", major), ("expectedMajor", expected));
        return major == expected
            ? CheckResult.Pass($"PostgreSQL {text} (major {major} as the contract expects)", data)
            : CheckResult.Fail($"server is PostgreSQL {text}, major {major}; the contract expects major {expected}", data);
    }
}
