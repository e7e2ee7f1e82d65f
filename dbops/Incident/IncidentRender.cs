using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.Json.Serialization;
using Dbops.Output;
using System.Text.Json.Serialization.Metadata;

namespace Dbops.Incident;

/// <summary>What one <c>dbops incident</c> found, and the actions it took (none without --cancel-blocking / --terminate-idle-in-transaction).</summary>
public sealed record IncidentOutcome(IncidentSnapshot Snapshot, IReadOnlyList<ActionResult> Actions);

/// <summary>
/// The snapshot and the actions taken on <paramref name="target"/>, read in <paramref name="tookSeconds"/>:
/// for a terminal (text) or for tools (json: the same records, camelCase).
/// </summary>
public sealed class IncidentRender(string target, double tookSeconds) : IReportRenderer<IncidentOutcome>
{
    // JsonOutput's options, as every report: its encoder writes a client's '+', quote or non-ASCII as they are.
    private static readonly JsonSerializerOptions Options = new(JsonOutput.Indented)
    {
        PropertyNamingPolicy = JsonNamingPolicy.CamelCase,
        Converters = { new JsonStringEnumConverter<ActionKind>(JsonNamingPolicy.CamelCase) },
        // Generated metadata, not reflection: a Native AOT build of dbops has no reflection serializer.
        TypeInfoResolver = IncidentJsonContext.Default,
    };

    public string Json(IncidentOutcome o) =>
        JsonSerializer.Serialize(new IncidentJson(target, Math.Round(tookSeconds, 2), o.Snapshot, o.Actions), (JsonTypeInfo<IncidentJson>)Options.GetTypeInfo(typeof(IncidentJson)));

    public string Text(IncidentOutcome o)
    {
        var (s, actions) = (o.Snapshot, o.Actions);
        var sb = new StringBuilder();
        void L(FormattableString line) => sb.AppendLine(line.ToString(CultureInfo.InvariantCulture));
        var v = s.Server;
        L($"incident triage of {target} at {v.At.ToUniversalTime():yyyy-MM-dd HH:mm:ss}Z: PostgreSQL {v.Version}{(v.InRecovery ? ", a standby (in recovery)" : "")}; read in {tookSeconds:0.0} s");

        sb.AppendLine();
        var waiting = s.BlockingChains.Sum(c => c.Blocked.Count);
        L($"blocking chains: {(s.BlockingChains.Count == 0 ? "none (no session waits for a lock)" : $"{s.BlockingChains.Count}, {waiting} session(s) waiting")}");
        foreach (var c in s.BlockingChains)
        {
            L($"  ROOT {Session(c.Root)}");
            foreach (var b in c.Blocked) L($"  {new string(' ', 2 * b.Depth)}└ {Session(b.Session)} waiting {b.Session.QuerySeconds:0} s on {b.Session.WaitEvent} (blocked by {string.Join(", ", b.Session.BlockedBy)})");
        }

        sb.AppendLine();
        L($"oldest transactions:{(s.OldestTransactions.Count == 0 ? " none open" : "")}");
        foreach (var t in s.OldestTransactions) L($"  {t.TransactionSeconds,8:0} s  {Session(t)}");
        L($"idle in transaction:{(s.IdleInTransaction.Count == 0 ? " none" : "")}");
        foreach (var t in s.IdleInTransaction) L($"  {t.StateSeconds,8:0} s idle  {Session(t)}");
        L($"longest running statements:{(s.LongestRunning.Count == 0 ? " none" : "")}");
        foreach (var t in s.LongestRunning) L($"  {t.QuerySeconds,8:0.0} s  {Session(t)}");

        sb.AppendLine();
        var c2 = s.Connections;
        var usable = c2.MaxConnections - c2.ReservedConnections;
        L($"connections: {c2.Total} of max_connections {c2.MaxConnections} ({Share(c2.Total, c2.MaxConnections)}; {c2.ReservedConnections} reserved for superusers, so {usable} for everyone else); by state: {string.Join(", ", c2.ByState.Select(kv => $"{kv.Key} {kv.Value}"))}");
        L($"  by role{"",-26} connections   limit");
        foreach (var r in c2.ByRole) L($"  {r.Role,-34} {r.Connections,11}   {(r.Limit is { } l ? $"{l} ({Share(r.Connections, l)}){(r.Connections >= 0.8 * l ? " NEAR LIMIT" : "")}" : "none")}");
        L($"  by application{"",-20} role                 connections  active  idle in tx");
        foreach (var a in c2.ByApplication) L($"  {(a.Application.Length == 0 ? "(none)" : a.Application),-34} {a.Role,-20} {a.Connections,11} {a.Active,7} {a.IdleInTransaction,11}");

        sb.AppendLine();
        var rep = s.Replication;
        L($"replication:{(rep.ReplayLagMs is { } lag ? $" this standby replayed its last transaction {lag:0} ms ago" : "")}{(rep.Replicas.Count == 0 && rep.Aurora is null ? " no streaming replica connected" : "")}");
        foreach (var r in rep.Replicas) L($"  replica {r.Application} {r.ClientAddress}: {r.State}/{r.SyncState}, replay lag {Ms(r.ReplayLagMs)}, {(r.BehindBytes is { } b ? Mb(b) + " MB" : "?")} behind");
        foreach (var sl in rep.Slots) L($"  slot {sl.Name} ({sl.Type}, {(sl.Active ? "active" : "INACTIVE")}): retains {(sl.RetainedBytes is { } b ? Mb(b) + " MB" : "?")} of WAL");
        foreach (var a in rep.Aurora ?? []) L($"  aurora {(a.Writer ? "writer" : "reader")} {a.ServerId}: replica lag {Ms(a.LagMs)}");
        foreach (var g in rep.AuroraGlobal ?? []) L($"  aurora global {g.Region}: durability lag {Ms(g.DurabilityLagMs)}, RPO lag {Ms(g.RpoLagMs)}");

        sb.AppendLine();
        L($"transaction id wraparound (autovacuum forces a freeze at age {v.AutovacuumFreezeMaxAge:N0}; PostgreSQL stops writes near 2^31):");
        foreach (var d in s.Wraparound.Databases) L($"  database {d.Database,-28} age {d.XidAge,14:N0} ({d.ShareOfWraparound:0.0%} of wraparound), multixact age {d.MultiXidAge:N0}");
        foreach (var t in s.Wraparound.Tables.Take(5)) L($"  table    {t.Table,-28} age {t.XidAge,14:N0} ({t.ShareOfWraparound:0.0%})");

        sb.AppendLine();
        var st = s.Statements;
        L($"top statements: {(st.Available ? st.Note : st.Note)}{(st.StatsSince is { } since ? $" (statistics since {since.ToUniversalTime():yyyy-MM-dd HH:mm}Z)" : "")}");
        foreach (var q in st.Items) L($"  total {q.TotalMs,10:0.0} ms  calls {q.Calls,8:N0}  mean {q.MeanMs,9:0.00} ms  {IncidentReader.Abbreviate(q.Query, 110)}");

        sb.AppendLine();
        L($"tables (size from pg_class, as of the last vacuum/analyze; changes in the {(st.WindowSeconds > 0 ? $"{st.WindowSeconds:0.#} s window" : "statistics")}):");
        foreach (var t in s.Tables) L($"  {t.Table,-36} {Mb(t.EstimatedBytes),9} MB  live {t.LiveRows,11:N0}  dead {t.DeadRows,10:N0}  inserted {t.Inserted,11:N0}  changed in window {t.ChangedInWindow,9:N0}");

        foreach (var n in s.Notes) L($"note: {n}");
        if (actions.Count > 0)
        {
            sb.AppendLine();
            sb.AppendLine("actions:");
            foreach (var a in actions) L($"  {(a.Kind == ActionKind.CancelBlocking ? "cancel-blocking" : "terminate-idle-in-transaction"),-30} pid {a.Pid,-7} {a.Role}/{a.Application}: {a.Outcome}");
        }
        return sb.ToString();
    }

    private static string Session(SessionInfo s) =>
        string.Create(CultureInfo.InvariantCulture,
            $"pid {s.Pid} {s.Role ?? "?"}/{(s.Application.Length == 0 ? "-" : s.Application)} {s.State}{(s.TransactionSeconds is { } x ? $", transaction {x:0} s" : "")}{(s.Protected is { } p ? $" [protected: {p}]" : "")}: {IncidentReader.Abbreviate(s.Query, 100)}");

    private static string Share(int n, int of) => of <= 0 ? "-" : ((double)n / of).ToString("0%", CultureInfo.InvariantCulture);

    private static string Ms(double? ms) => ms is { } v ? v.ToString("0", CultureInfo.InvariantCulture) + " ms" : "n/a";

    private static string Mb(long bytes) => (bytes / 1048576.0).ToString("0.0", CultureInfo.InvariantCulture);
}

/// <summary>The JSON document of <c>dbops incident --format json</c>, in this order.</summary>
internal sealed record IncidentJson(string Target, double TookSeconds, IncidentSnapshot Snapshot, IReadOnlyList<ActionResult> Actions);

[JsonSerializable(typeof(IncidentJson))]
internal sealed partial class IncidentJsonContext : JsonSerializerContext;
