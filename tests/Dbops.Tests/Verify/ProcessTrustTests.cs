using Dbops.Cli;

namespace Dbops.Tests.Verify;

/// <summary>Which --ca-bundle the process root narrows the trust store to (ProcessTrust), in System.CommandLine's spellings.</summary>
public class ProcessTrustTests
{
    [Theory]
    [InlineData("verify --outputs o.json --ca-bundle /x/ca.pem", "/x/ca.pem")]
    [InlineData("verify --ca-bundle=/x/ca.pem", "/x/ca.pem")]
    [InlineData("verify --ca-bundle:/x/ca.pem", "/x/ca.pem")]
    [InlineData("verify --outputs o.json", null)]
    [InlineData("verify --ca-bundle", null)]
    [InlineData("verify -- --ca-bundle /x/ca.pem", null)]
    public void The_bundle_is_read_from_the_command_line(string line, string? expected) =>
        Assert.Equal(expected, ProcessTrust.CaBundle(line.Split(' ')));
}
