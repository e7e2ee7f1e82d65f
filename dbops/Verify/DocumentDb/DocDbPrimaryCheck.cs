namespace Dbops.Verify.DocumentDb;

/// <summary>The cluster endpoint reaches a writable primary whose replica set has the declared instances.</summary>
public sealed class DocDbPrimaryCheck(DocDbEndpoint endpoint) : DocDbCheck(endpoint)
{
    protected override string Name => "primary";

    protected override async Task<CheckResult> CheckAsync(CancellationToken ct)
    {
        var hello = await Endpoint.HelloAsync(ct);
        var expected = Endpoint.Target.Instances;
        var data = Data(("writablePrimary", hello.WritablePrimary), ("setName", hello.SetName), ("members", hello.Hosts), ("expectedMembers", expected));
        if (!hello.WritablePrimary) return CheckResult.Fail($"the cluster endpoint reaches {hello.Me ?? "a member"} that is not a writable primary", data);
        var summary = $"writable primary {hello.Me ?? Endpoint.Host} in replica set {hello.SetName ?? "(none)"} with {hello.Hosts.Length} member(s) (expected {expected})";
        if (hello.Hosts.Length < expected) return CheckResult.Fail($"missing members: {summary}", data);
        if (hello.Hosts.Length > expected) return CheckResult.Warn($"more members than declared: {summary}", data);
        return CheckResult.Pass(summary, data);
    }
}
