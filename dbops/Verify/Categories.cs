namespace Dbops.Verify;

/// <summary>
/// The groups <c>--only</c> and <c>--skip</c> select. A selector matches a category equal to it
/// or below it, so <c>postgres</c> selects every PostgreSQL check.
/// </summary>
public static class Categories
{
    public const string PostgresTls = "postgres.tls";
    public const string PostgresServer = "postgres.server";
    public const string PostgresHealth = "postgres.health";
    public const string PostgresSchema = "postgres.schema";
    public const string PostgresSlo = "postgres.slo";
    public const string Redis = "redis";
    public const string DocumentDb = "documentdb";

    public static readonly IReadOnlyList<string> All =
        [PostgresTls, PostgresServer, PostgresHealth, PostgresSchema, PostgresSlo, Redis, DocumentDb];

    /// <summary>Everything a selector may name: the categories and their top-level stores.</summary>
    public static readonly IReadOnlyList<string> Selectors =
        All.Select(c => c.Split('.')[0]).Distinct().Concat(All.Where(c => c.Contains('.'))).ToArray();

    public static bool Matches(string selector, string category) =>
        category == selector || category.StartsWith(selector + ".", StringComparison.Ordinal);
}
