using System.Text.RegularExpressions;
using Dbops.Incident;
using Dbops.Data;

namespace Dbops.Tests.Ops;

/// <summary>What dbops incident's actions never touch, and that every dbops session is named so that it is among them.</summary>
public partial class IncidentProtectionTests
{
    [Theory]
    [InlineData("dbops migrate", "client backend", "mlflow_admin", "platform maintenance session (dbops migrate)")]
    [InlineData("dbops-verify", "client backend", "mlflow_admin", "platform maintenance session (dbops-verify)")]
    [InlineData("", "autovacuum worker", null, "server process (autovacuum worker)")]
    [InlineData("", "client backend", "rdsadmin", "RDS's own session (rdsadmin)")]
    [InlineData("mlflow-server", "client backend", "mlflow_app", null)]
    [InlineData("my dbops notebook", "client backend", "analyst", null)]
    public void Protected_sessions_are_the_platforms_own_the_servers_and_rdss(string application, string backendType, string? role, string? expected) =>
        Assert.Equal(expected, IncidentReader.ProtectedBecause(role, application, backendType));

    /// <summary>Every session a dbops command opens is named with the prefix the actions spare (DatabaseTarget.OpenDataSource and verify's PgEndpoint).</summary>
    [Fact]
    public void Every_dbops_command_names_its_sessions_with_the_protected_prefix()
    {
        var sources = Directory.GetFiles(Path.Combine(RepoPaths.Root, "dbops"), "*.cs", SearchOption.AllDirectories)
            .Where(f => !f.Contains($"{Path.DirectorySeparatorChar}obj{Path.DirectorySeparatorChar}") && !f.Contains($"{Path.DirectorySeparatorChar}bin{Path.DirectorySeparatorChar}"));
        var names = sources.SelectMany(f => SessionName().Matches(File.ReadAllText(f)).Select(m => (File: Path.GetFileName(f), Name: m.Groups["name"].Value))).ToList();
        Assert.Contains(names, n => n.Name == "dbops incident");
        Assert.Contains(names, n => n.File == "PgEndpoint.cs");
        foreach (var (file, name) in names)
        {
            Assert.True(name.StartsWith(DatabaseTarget.ApplicationNamePrefix, StringComparison.Ordinal) || name.StartsWith("{Dbops.Data.DatabaseTarget.ApplicationNamePrefix}", StringComparison.Ordinal), $"{file}: session name '{name}'");
        }
    }

    [GeneratedRegex(@"(?:OpenDataSource\(|ApplicationName = \$?)""(?<name>[^""]+)""")]
    private static partial Regex SessionName();
}
