namespace Dbops.Tests;

/// <summary>Locations in the repository, found from the test assembly upwards (the folder holding Infra.sln).</summary>
internal static class RepoPaths
{
    public static string Root { get; } = FindRoot();

    /// <summary>Where the TypeScript tests write the contract each stack exports under mocks.</summary>
    public static string ContractDir => Path.Combine(Root, "out", "contract");

    public static string StacksDir => Path.Combine(Root, "stacks");

    private static string FindRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "Infra.sln"))) return dir.FullName;
        }
        throw new InvalidOperationException($"no Infra.sln above {AppContext.BaseDirectory}");
    }
}
