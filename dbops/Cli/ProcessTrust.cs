using System.Runtime.InteropServices;
using System.Text;

namespace Dbops.Cli;

/// <summary>
/// With <c>--ca-bundle</c>, makes the bundle the process's system trust store too, before any TLS.
/// Why: on Linux .NET builds the chain of every handshake against the system store first (even
/// with a custom chain policy: the intermediates come from it), and loading it reads and parses
/// all of /etc/ssl/certs once per process: 130-170 ms of a 380 ms <c>dbops verify</c> (Native AOT,
/// strace and wall clock, 2026-12-02, issue 20). The verifier trusts only the bundle in that case
/// anyway (CertificateTrust judges every chain against it; Npgsql's RootCertificate does too), so
/// pointing OpenSSL's SSL_CERT_FILE at the bundle narrows nothing that was trusted and widens
/// nothing. SSL_CERT_DIR is pointed at the bundle as well: a file, so no directory of certificates
/// is read (.NET and OpenSSL skip a path that is not a directory). Set even where the environment
/// already names the system store (this machine's does): with --ca-bundle, no connection dbops makes
/// trusts anything else (it talks only to the stores; an HTTPS client added one day, to an AWS API,
/// would need the system store back: revisit this then). Off Linux: nothing. Called by the process's root only (Program):
/// the tests run the CLI in-process, with bundles and without, and must not inherit one run's trust.
/// </summary>
public static class ProcessTrust
{
    public static void NarrowToCaBundle(IReadOnlyList<string> args)
    {
        if (!OperatingSystem.IsLinux()) return;
        if (CaBundle(args) is not { } bundle || !File.Exists(bundle)) return;
        var path = Path.GetFullPath(bundle);
        // The native environment, where OpenSSL and .NET's native crypto shim read these (getenv);
        // Environment.SetEnvironmentVariable changes only .NET's own copy on Unix.
        if (setenv(Utf8("SSL_CERT_FILE"), Utf8(path), 1) != 0 || setenv(Utf8("SSL_CERT_DIR"), Utf8(path), 1) != 0)
        {
            // Not fatal: the run is as correct without, only slower.
            return;
        }
    }

    /// <summary>The value of <c>--ca-bundle</c> in any of System.CommandLine's spellings, or null.</summary>
    internal static string? CaBundle(IReadOnlyList<string> args)
    {
        for (var i = 0; i < args.Count; i++)
        {
            if (args[i] == "--") return null;
            if (args[i] == "--ca-bundle") return i + 1 < args.Count ? args[i + 1] : null;
            if (args[i].StartsWith("--ca-bundle=", StringComparison.Ordinal) || args[i].StartsWith("--ca-bundle:", StringComparison.Ordinal))
            {
                return args[i]["--ca-bundle=".Length..];
            }
        }
        return null;
    }

    private static byte[] Utf8(string s) => Encoding.UTF8.GetBytes(s + '\0');

    [DllImport("libc", EntryPoint = "setenv")]
    private static extern int setenv(byte[] name, byte[] value, int overwrite);
}
