namespace Dbops.Tests.Layout;

/// <summary>dbops' folders depend on each other one way only: Contract, Output and Data at the bottom, the features above them, Cli on top.</summary>
public class LayeringTests
{
    private static readonly string Dbops = Path.Combine(RepoPaths.Root, "dbops");

    private static IEnumerable<string> SourceFiles() =>
        Directory.EnumerateFiles(Dbops, "*.cs", SearchOption.AllDirectories)
            .Select(f => Path.GetRelativePath(Dbops, f).Replace('\\', '/'))
            .Where(f => !f.StartsWith("bin/", StringComparison.Ordinal) && !f.StartsWith("obj/", StringComparison.Ordinal))
            .Order(StringComparer.Ordinal);

    [Fact]
    public void No_file_of_dbops_reaches_a_layer_its_folder_may_not_use()
    {
        var files = SourceFiles().ToArray();
        var violations = files.SelectMany(f => Layering.Violations(Layering.LayerOf(f), f, File.ReadAllText(Path.Combine(Dbops, f)))).ToArray();

        Assert.True(files.Length > 50, $"found only {files.Length} source files under {Dbops}");
        Assert.True(violations.Length == 0, string.Join(Environment.NewLine, violations));
    }

    [Fact]
    public void Every_layer_of_the_table_is_a_folder_of_dbops()
    {
        var folders = SourceFiles().Select(Layering.LayerOf).Where(l => l.Length > 0).ToHashSet(StringComparer.Ordinal);

        Assert.Equal(Layering.Layers.Order(StringComparer.Ordinal), folders.Order(StringComparer.Ordinal));
    }

    [Fact]
    public void A_using_of_the_cli_below_it_is_found_with_its_line()
    {
        // What Ops/DatabaseTarget.cs did before issue 19: the bottom layer threw the CLI's exception.
        const string source = "using Dbops.Contract;\nusing Dbops.Cli;\n\nnamespace Dbops.Data;\n";

        var found = Layering.Violations("Data", "Data/DatabaseTarget.cs", source).ToArray();

        Assert.Equal(["Data/DatabaseTarget.cs:2: Data uses Cli (using Dbops.Cli); Data may use Contract"], found);
    }

    [Theory]
    // What Maintain/Maintainer.cs did before issue 19: a relative name, no using.
    [InlineData("Maintain", "throw new Cli.UsageException(\"--tables: ...\");", "Cli")]
    [InlineData("Migrate", "var present = await Dbops.Verify.Postgres.MlflowSchema.PresentAsync(conn, ct);", "Verify")]
    [InlineData("Archive", "using static Dbops.Report.ReportReader;", "Report")]
    [InlineData("Report", "using Reader = global::Dbops.Incident.IncidentReader;", "Incident")]
    [InlineData("Verify", "var text = $\"{Archive.ArchiveModel.Archive}\";", "Archive")]
    public void A_qualified_name_alias_or_static_using_of_a_layer_not_allowed_is_found(string layer, string line, string target)
    {
        var found = Layering.Violations(layer, $"{layer}/X.cs", $"namespace Dbops.{layer};\n\n{line}\n").ToArray();

        Assert.Single(found);
        Assert.StartsWith($"{layer}/X.cs:3: {layer} uses {target} (", found[0]);
    }

    [Theory]
    [InlineData("Cli", "using Dbops.Verify;")]
    [InlineData("Verify", "using Dbops.Migrate;")]
    [InlineData("Verify", "var e = new Postgres.PgEndpoint(t, \"writer\", t.Writer, s);")]
    [InlineData("Archive", "Data = r.Data.ToDictionary(kv => kv.Key, kv => kv.Value),")]
    [InlineData("Data", "/// <see cref=\"Cli.ExitCodes\"/> maps this to 2")]
    [InlineData("Data", "/* Dbops.Cli.OpsRunner turns it into one line */ var x = 1;")]
    [InlineData("Maintain", "var data = Output.Indented; // Dbops.Cli.ExitCodes")]
    public void What_the_table_allows_a_member_access_and_a_comment_are_no_violation(string layer, string line)
    {
        Assert.Empty(Layering.Violations(layer, $"{layer}/X.cs", $"namespace Dbops.{layer};\n\n{line}\n"));
    }

    [Fact]
    public void A_file_declaring_another_layers_namespace_is_found()
    {
        var found = Layering.Violations("Archive", "Archive/X.cs", "namespace Dbops.Cli;\n").ToArray();

        Assert.Equal(["Archive/X.cs:1: declares namespace Dbops.Cli in folder Archive/"], found);
    }

    [Fact]
    public void A_folder_missing_from_the_table_is_found()
    {
        Assert.Equal(["Stores/X.cs: folder Stores/ is in no layer of the table; add it (and to dbops/README.md)"],
            Layering.Violations("Stores", "Stores/X.cs", "namespace Dbops.Stores;\n"));
    }
}
