namespace Dbops.Verify.DocumentDb;

/// <summary>The reader endpoint reaches a secondary, where the cluster has replicas to reach.</summary>
public sealed class DocDbReaderCheck(DocDbEndpoint endpoint) : DocDbCheck(endpoint)
{
    protected override string Name => "secondary";

    protected override async Task<CheckResult> CheckAsync(CancellationToken ct)
    {
        if (Endpoint.Target.Instances < 2)
        {
            return CheckResult.Skip("the cluster has one instance: its reader endpoint reaches the primary");
        }
        var hello = await Endpoint.HelloAsync(ct);
        var data = Data(("secondary", hello.Secondary), ("writablePrimary", hello.WritablePrimary), ("me", hello.Me));
        return hello.Secondary
            ? CheckResult.Pass($"reader endpoint reaches secondary {hello.Me ?? Endpoint.Host}", data)
            : CheckResult.Fail($"the reader endpoint reaches {hello.Me ?? "a member"} that is not a secondary", data);
    }
}
