using Dbops.Verify.Net;
using MongoDB.Driver;

namespace Dbops.Verify.DocumentDb;

/// <summary>Base of the DocumentDB checks: the driver's failures become a failed result naming the endpoint.</summary>
public abstract class DocDbCheck(DocDbEndpoint endpoint) : NetworkCheck<DocDbEndpoint>(endpoint)
{
    protected override string Store => "documentdb";

    public override string Category => Categories.DocumentDb;

    protected override CheckResult? Explain(Exception e) => e switch
    {
        InvalidDataException refused => CheckResult.Fail($"cannot talk to {Endpoint}: {refused.Message}"),
        MongoCommandException command => CheckResult.Fail($"{Endpoint}: the command was refused: {command.ErrorMessage} (code {command.Code})"),
        MongoException mongo => CheckResult.Fail($"cannot talk to {Endpoint}: {mongo.Message}"),
        // Server selection gave up: no member answered within the check's timeout.
        TimeoutException timeout => CheckResult.Fail($"cannot talk to {Endpoint}: {timeout.Message.Split(". Client view", 2)[0]}"),
        _ => null,
    };
}
