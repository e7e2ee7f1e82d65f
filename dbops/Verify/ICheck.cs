namespace Dbops.Verify;

/// <summary>One thing the verifier proves about a deployed store.</summary>
public interface ICheck
{
    /// <summary>Stable name used in reports and JUnit, e.g. <c>postgres.writer.tls</c>.</summary>
    string Id { get; }

    /// <summary>What <c>--only</c>/<c>--skip</c> select by, one of <see cref="Categories.All"/>.</summary>
    string Category { get; }

    /// <summary>Runs the check. Expected problems are results, not exceptions; the token carries the check's timeout.</summary>
    Task<CheckResult> RunAsync(CancellationToken cancellationToken);
}
