using System.Diagnostics;
using Dbops.Data;
using Dbops.Tests.Verify;

namespace Dbops.Tests.Ops;

/// <summary>
/// The archival process killed (SIGKILL) at random points, several times, then run to the
/// end: live plus archive hold exactly the original rows after every kill and at the end, on each
/// real MLflow release's schema with its traces, logged models, run-sourced inputs and associations.
/// The points are drawn from a fixed seed and placed by the progress the process reports
/// (after its k-th batch, plus a few milliseconds), so each kill lands inside a run.
/// </summary>
[Collection(LocalPostgresCollection.Name)]
public class ArchiveFaultTests(LocalPostgres pg)
{
    private const int Kills = 6;
    private const int BatchSize = 10;

    [Theory]
    [MemberData(nameof(LocalPostgres.Releases), MemberType = typeof(LocalPostgres))]
    public async Task Killed_at_random_points_and_run_again_it_loses_nothing_and_duplicates_nothing(string release)
    {
        var db = await pg.CreateDatabaseAsync(release);
        Assert.Equal(0, (await CliRun.RunAsync(["migrate", .. db.Args()])).ExitCode);
        // Enough metric rows per run that a batch outlasts the delay between its progress line and the kill even
        // under load: archived metrics are packed (one statement a batch), which made 60,000 rows too quick.
        // Enough runs that the batches a late kill overshoots leave room for three: with 900 runs (281 to archive,
        // 29 batches) two kills used them up in a full `make test` on 2026-12-03.
        var model = await Workloads.FillAsync(db, Workloads.Small(seed: 23) with { Runs = 1800, Experiments = 15, MetricRows = 600_000 });
        var idle = string.Join(",", Workloads.Idle(model));
        var toArchive = await db.ScalarAsync<long>($"select count(*) from runs where experiment_id in ({idle})");
        var original = await Workloads.LiveAndArchivedAsync(db);
        var rng = new Random(20261121);
        var interrupted = 0;
        var archivedAfterKill = new List<long>();

        var kills = 0;
        for (var kill = 0; kill < Kills; kill++)
        {
            var left = await db.ScalarAsync<long>($"select count(*) from runs where experiment_id in ({idle})");
            var batchesLeft = (int)Math.Ceiling(left / (double)BatchSize);
            // A kill proves something only with work on both sides of it: at least one batch done
            // before it, most of what was left still to do after it. Kills before the first
            // batch made no progress and, near the end, left nothing for the final run.
            if (batchesLeft < 4) break;
            // At most a quarter of what is left before the kill: under load the kill lands some batches after the
            // progress line it waits for (the line reaches this process late), and with up to half, two kills could
            // use up the work (seen on 2026-12-03: "only 2 kills had work on both sides").
            var afterBatches = rng.Next(1, Math.Max(2, batchesLeft / 4));
            var delayMs = rng.Next(0, 15);
            kills++;

            if (await RunAndKillAsync(db, afterBatches, delayMs)) interrupted++;

            Assert.Equal(original, await Workloads.LiveAndArchivedAsync(db));
            archivedAfterKill.Add(await db.ScalarAsync<long>("select count(*) from mlflow_archive.runs"));
        }

        var final = await CliRun.RunAsync(["archive", "--batch-size", BatchSize.ToString(), .. db.Args()]);

        Assert.Equal(0, final.ExitCode);
        Assert.Contains("reconciled: every row of the archived experiments is in mlflow_archive, none left live, none twice", final.Out);
        Assert.Equal(original, await Workloads.LiveAndArchivedAsync(db));
        Assert.Equal(toArchive, await db.ScalarAsync<long>("select count(*) from mlflow_archive.runs"));
        Assert.Equal(0, await db.ScalarAsync<long>($"select count(*) from experiments where experiment_id in ({idle})"));
        Assert.Equal(0, await db.ScalarAsync<long>($"select count(*) from trace_info where experiment_id in ({idle})"));
        var pointing = await Workloads.PointingAtArchivedAsync(db);
        Assert.True(pointing.Values.All(n => n == 0), string.Join(", ", pointing.Where(p => p.Value > 0).Select(p => $"{p.Key}: {p.Value}")));
        // The kills really cut runs short, in the middle: progress was made between them and work was left.
        Assert.True(kills >= 3, $"only {kills} kills had work on both sides ({toArchive} runs to archive in batches of {BatchSize})");
        Assert.True(interrupted >= kills - 1, $"only {interrupted} of {kills} kills landed before the process finished");
        Assert.True(archivedAfterKill.Distinct().Count() >= 3, $"archived runs after each kill: {string.Join(", ", archivedAfterKill)}");
        Assert.True(archivedAfterKill[^1] < toArchive, "the last kill left work for the final run");
    }

    /// <summary>Starts dbops archive as its own process and kills it once it has reported <paramref name="afterBatches"/> batches and <paramref name="delayMs"/> more have passed. True when the kill cut it short.</summary>
    private static async Task<bool> RunAndKillAsync(ScratchDatabase db, int afterBatches, int delayMs)
    {
        var psi = new ProcessStartInfo("dotnet", [Path.Combine(AppContext.BaseDirectory, "dbops.dll"), "archive", "--batch-size", BatchSize.ToString(), .. db.Args()])
        {
            RedirectStandardError = true,
            RedirectStandardOutput = true,
        };
        using var p = Process.Start(psi)!;
        var batches = 0;
        var reached = new TaskCompletionSource();
        if (afterBatches == 0) reached.TrySetResult();
        p.ErrorDataReceived += (_, e) =>
        {
            if (e.Data?.StartsWith("dbops archive: batch ", StringComparison.Ordinal) == true && Interlocked.Increment(ref batches) >= afterBatches) reached.TrySetResult();
        };
        p.OutputDataReceived += (_, _) => { };
        p.BeginErrorReadLine();
        p.BeginOutputReadLine();
        await Task.WhenAny(reached.Task, p.WaitForExitAsync(), Task.Delay(TimeSpan.FromSeconds(60)));
        await Task.Delay(delayMs);
        var cut = !p.HasExited;
        if (cut) p.Kill(entireProcessTree: true);
        await p.WaitForExitAsync();
        return cut;
    }
}
