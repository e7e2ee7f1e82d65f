using Npgsql;

namespace Dbops.Incident;

public enum ActionKind { CancelBlocking, TerminateIdleInTransaction }

/// <summary>What an action did, or would do with --dry-run, to one session, and why; Done is null for a dry run or a skip.</summary>
public sealed record ActionResult(ActionKind Kind, int Pid, string? Role, string Application, double? AgeSeconds, string Outcome, bool? Done);

/// <summary>
/// The runbooks' "query cancellation", as deliberate acts on what <see cref="IncidentReader"/> saw:
/// - cancel-blocking: pg_cancel_backend on the root of each blocking chain that is running a
///   statement for at least the threshold. Cancelling aborts its transaction, which releases its
///   locks. A root idle in transaction runs no statement, so a cancel would not touch it: it is
///   left to --terminate-idle-in-transaction.
/// - terminate-idle-in-transaction: pg_terminate_backend on each session idle in a transaction
///   for at least the threshold (its connection ends; the client must reconnect).
/// Never: a session younger than the threshold, a protected one (<see cref="IncidentReader.ProtectedBecause"/>),
/// or a session that changed since it was read: each signal is sent by a statement that re-checks
/// the pid's backend_start (a new session may have taken the pid) and its query_start or
/// state_change (it may have moved on), so it hits exactly what was shown.
/// </summary>
public sealed class IncidentActions(NpgsqlConnection conn, TimeSpan minAge, bool dryRun)
{
    public async Task<List<ActionResult>> CancelBlockingAsync(IncidentSnapshot snapshot, CancellationToken ct)
    {
        var results = new List<ActionResult>();
        foreach (var chain in snapshot.BlockingChains)
        {
            var s = chain.Root;
            var r = (string outcome) => new ActionResult(ActionKind.CancelBlocking, s.Pid, s.Role, s.Application, s.QuerySeconds, outcome, null);
            if (s.State == "gone") continue;
            if (s.Protected is { } why) results.Add(r($"skipped: {why}"));
            else if (s.IdleInTransaction) results.Add(r($"skipped: idle in transaction for {s.StateSeconds:0} s, running no statement to cancel; --terminate-idle-in-transaction ends it"));
            else if (s.State != "active" || s.QueryStart is null) results.Add(r($"skipped: {s.State ?? "no state"}, running no statement to cancel"));
            else if (s.QuerySeconds < minAge.TotalSeconds) results.Add(r($"skipped: its statement has run {s.QuerySeconds:0.#} s, under --min-age {minAge.TotalSeconds:0.#} s"));
            else if (dryRun) results.Add(r($"would cancel (--dry-run): blocks {chain.Blocked.Count} session(s), statement running {s.QuerySeconds:0} s"));
            else results.Add(await SignalAsync(ActionKind.CancelBlocking, s, "pg_cancel_backend", "a.query_start = $3", s.QueryStart.Value, $"blocked {chain.Blocked.Count} session(s)", ct));
        }
        return results;
    }

    public async Task<List<ActionResult>> TerminateIdleInTransactionAsync(IncidentSnapshot snapshot, CancellationToken ct)
    {
        var results = new List<ActionResult>();
        // Every such session, not only the first rows of the list shown.
        foreach (var s in snapshot.Sessions.Where(s => s.IdleInTransaction).OrderByDescending(s => s.StateSeconds))
        {
            var r = (string outcome) => new ActionResult(ActionKind.TerminateIdleInTransaction, s.Pid, s.Role, s.Application, s.StateSeconds, outcome, null);
            if (s.Protected is { } why) results.Add(r($"skipped: {why}"));
            else if (s.StateSeconds < minAge.TotalSeconds || s.StateChange is null) results.Add(r($"skipped: idle in transaction {s.StateSeconds:0.#} s, under --min-age {minAge.TotalSeconds:0.#} s"));
            else if (dryRun) results.Add(r($"would terminate (--dry-run): idle in transaction {s.StateSeconds:0} s"));
            else results.Add(await SignalAsync(ActionKind.TerminateIdleInTransaction, s, "pg_terminate_backend", "a.state_change = $3 and a.state like 'idle in transaction%'", s.StateChange.Value, $"idle in transaction {s.StateSeconds:0} s", ct));
        }
        return results;
    }

    private async Task<ActionResult> SignalAsync(ActionKind kind, SessionInfo s, string function, string unchanged, DateTime mark, string what, CancellationToken ct)
    {
        var age = kind == ActionKind.CancelBlocking ? s.QuerySeconds : s.StateSeconds;
        await using var cmd = new NpgsqlCommand($"select {function}(a.pid) from pg_stat_activity a where a.pid = $1 and a.backend_start = $2 and {unchanged}", conn);
        cmd.Parameters.Add(new NpgsqlParameter { Value = s.Pid });
        cmd.Parameters.Add(new NpgsqlParameter { Value = s.BackendStart });
        cmd.Parameters.Add(new NpgsqlParameter { Value = mark });
        try
        {
            var sent = await cmd.ExecuteScalarAsync(ct);
            var verb = kind == ActionKind.CancelBlocking ? "cancelled" : "terminated";
            return sent is true
                ? new ActionResult(kind, s.Pid, s.Role, s.Application, age, $"{verb} ({what})", true)
                : new ActionResult(kind, s.Pid, s.Role, s.Application, age, "not signalled: the session ended or moved on since it was read", false);
        }
        catch (PostgresException e) when (e.SqlState == PostgresErrorCodes.InsufficientPrivilege)
        {
            return new ActionResult(kind, s.Pid, s.Role, s.Application, age, $"refused: {e.MessageText} (the master user has pg_signal_backend through rds_superuser; it cannot signal a superuser's session)", false);
        }
    }
}
