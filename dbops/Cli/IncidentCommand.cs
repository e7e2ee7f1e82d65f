using System.CommandLine;
using System.Diagnostics;
using System.Globalization;
using System.Text.RegularExpressions;
using Dbops.Incident;
using Dbops.Data;
using Npgsql;

namespace Dbops.Cli;

/// <summary>
/// <c>dbops incident</c>: the incident runbooks' first look, in one read-only pass bounded by
/// --timeout; with --cancel-blocking / --terminate-idle-in-transaction, the deliberate acts.
/// </summary>
public static partial class IncidentCommand
{
    public static Command Create(CliConsole console)
    {
        var connection = new ConnectionOptions();
        var format = new Option<string>("--format") { Description = "output on stdout", DefaultValueFactory = _ => "table" };
        format.AcceptOnlyFromAmong("table", "json");
        var top = CliValues.PositiveInt("--top", 10, "rows per list", 1000);
        var window = new Option<double>("--window")
        {
            Description = "seconds between the two reads of pg_stat_statements and the table counters (the statements and changes of the last moments); 0 reads the totals since their reset",
            DefaultValueFactory = _ => 10,
            HelpName = "SECONDS",
        };
        window.Validators.Add(r =>
        {
            if (r.Tokens.Count == 1 && double.TryParse(r.Tokens[0].Value, NumberStyles.Float, CultureInfo.InvariantCulture, out var v) && (v < 0 || v > 600))
            {
                r.AddError($"--window must be from 0 to 600 seconds, got {r.Tokens[0].Value}");
            }
        });
        var timeout = CliValues.Seconds("--timeout", TimeSpan.FromSeconds(60), "the most the whole run may take (each statement is bounded by it too)");
        var cancelBlocking = new Option<bool>("--cancel-blocking") { Description = "cancel the statement of each blocking chain's root (aborting its transaction releases its locks)" };
        var terminateIdle = new Option<bool>("--terminate-idle-in-transaction") { Description = "end each session idle in a transaction" };
        var dryRun = new Option<bool>("--dry-run") { Description = "with the actions: say what they would signal, signal nothing" };
        var minAge = new Option<string>("--min-age")
        {
            Description = "act only on a statement running, or a transaction idle, at least this long: seconds, or 90s, 5m, 1h",
            DefaultValueFactory = _ => "60s",
            HelpName = "AGE",
        };
        minAge.Validators.Add(r =>
        {
            if (r.Tokens.Count == 1 && ParseMinAge(r.Tokens[0].Value) is null)
            {
                r.AddError($"--min-age: expected seconds (at least 1), or a number with s, m or h, like 90s, 5m or 1h; got '{r.Tokens[0].Value}'");
            }
        });
        var command = new Command("incident", "triage: blocking chains, oldest and idle transactions, connections against the limits, replication lag, wraparound age, top statements, table growth")
        {
            format, top, window, timeout, cancelBlocking, terminateIdle, dryRun, minAge,
        };
        connection.AddTo(command);
        command.SetAction(async (parse, ct) => await OpsRunner.RunAsync("incident", console, () => connection.Resolve(parse, console), async target =>
        {
            var acts = parse.GetValue(cancelBlocking) || parse.GetValue(terminateIdle);
            if (parse.GetValue(dryRun) && !acts) throw new UsageException("--dry-run goes with --cancel-blocking or --terminate-idle-in-transaction; without them nothing is signalled anyway");
            var limit = TimeSpan.FromSeconds(parse.GetValue(timeout));
            var sample = TimeSpan.FromSeconds(parse.GetValue(window));
            if (sample >= limit) throw new UsageException($"--window {sample.TotalSeconds:0.#} s must be shorter than --timeout {limit.TotalSeconds:0.#} s");
            using var bound = CancellationTokenSource.CreateLinkedTokenSource(ct);
            bound.CancelAfter(limit);
            var took = Stopwatch.StartNew();
            try
            {
                await using var dataSource = target.OpenDataSource("dbops incident", maxPoolSize: 1);
                await using var conn = await dataSource.OpenConnectionAsync(bound.Token);
                // Read-only, every statement bounded, and a lock wait (none is expected: catalogs and statistics only) given up at once.
                await using (var setup = new NpgsqlCommand(
                    $"set session characteristics as transaction read only; set statement_timeout = {(long)limit.TotalMilliseconds}; set lock_timeout = 1000", conn))
                {
                    await setup.ExecuteNonQueryAsync(bound.Token);
                }
                var snapshot = await new IncidentReader(conn, new IncidentSettings { Top = parse.GetValue(top), Window = sample }).ReadAsync(bound.Token);
                var actions = new List<ActionResult>();
                var actor = new IncidentActions(conn, ParseMinAge(parse.GetValue(minAge)!)!.Value, parse.GetValue(dryRun));
                if (parse.GetValue(cancelBlocking)) actions.AddRange(await actor.CancelBlockingAsync(snapshot, bound.Token));
                if (parse.GetValue(terminateIdle)) actions.AddRange(await actor.TerminateIdleInTransactionAsync(snapshot, bound.Token));
                await ReportOutput.WriteAsync(console, parse.GetValue(format)!, new IncidentRender(target.ToString(), took.Elapsed.TotalSeconds), new IncidentOutcome(snapshot, actions), target.Secrets);
                return actions.Any(a => a.Outcome.StartsWith("refused", StringComparison.Ordinal)) ? ExitCodes.Failed : ExitCodes.Ok;
            }
            catch (Exception e) when (bound.IsCancellationRequested && !ct.IsCancellationRequested && e is OperationCanceledException or NpgsqlException)
            {
                throw new OpsException($"did not finish within --timeout {limit.TotalSeconds:0.#} s; nothing was signalled after that point");
            }
        }));
        return command;
    }

    /// <summary>Seconds (a plain number) or a number with s, m or h; at least 1 s.</summary>
    internal static TimeSpan? ParseMinAge(string text)
    {
        var m = MinAgePattern().Match(text);
        if (!m.Success || !double.TryParse(m.Groups[1].Value, NumberStyles.Float, CultureInfo.InvariantCulture, out var n)) return null;
        var span = m.Groups[2].Value switch { "m" => TimeSpan.FromMinutes(n), "h" => TimeSpan.FromHours(n), _ => TimeSpan.FromSeconds(n) };
        return span >= TimeSpan.FromSeconds(1) && span <= TimeSpan.FromDays(7) ? span : null;
    }

    [GeneratedRegex(@"^(\d+(?:\.\d+)?)([smh]?)$")]
    private static partial Regex MinAgePattern();
}
