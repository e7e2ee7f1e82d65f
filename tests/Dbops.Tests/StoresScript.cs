using System.Diagnostics;

namespace Dbops.Tests;

/// <summary>Runs scripts/local-stores.sh, the setup the tests, make verify-local and the benchmarks share.</summary>
internal static class StoresScript
{
    public static void Run(string verb, string dir, IReadOnlyDictionary<string, string>? environment = null)
    {
        var psi = new ProcessStartInfo("bash", [Path.Combine(RepoPaths.Root, "scripts", "local-stores.sh"), verb, dir])
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        foreach (var (k, v) in environment ?? new Dictionary<string, string>()) psi.Environment[k] = v;
        using var p = Process.Start(psi)!;
        var stderr = p.StandardError.ReadToEndAsync();
        var stdout = p.StandardOutput.ReadToEnd();
        p.WaitForExit();
        if (p.ExitCode != 0) throw new InvalidOperationException($"local-stores.sh {verb} failed ({p.ExitCode}): {stdout}{stderr.Result}");
    }
}
