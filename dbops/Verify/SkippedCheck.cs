namespace Dbops.Verify;

/// <summary>Stands for checks that cannot apply to this stack, so the report still says why they did not run.</summary>
public sealed class SkippedCheck(string id, string category, string reason) : ICheck
{
    public string Id => id;
    public string Category => category;

    public Task<CheckResult> RunAsync(CancellationToken cancellationToken) => Task.FromResult(CheckResult.Skip(reason));
}
