using Dbops.Verify.Net;

namespace Dbops.Verify.DocumentDb;

/// <summary>Base of the DocumentDB checks.</summary>
public abstract class DocDbCheck(DocDbEndpoint endpoint) : NetworkCheck<DocDbEndpoint>(endpoint)
{
    protected override string Store => "documentdb";

    public override string Category => Categories.DocumentDb;
}
