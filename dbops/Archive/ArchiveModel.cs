using Dbops.Data;
using Npgsql;

namespace Dbops.Archive;

/// <summary>How a set of rows is named in a predicate: a batch's run ids, or a set of experiment ids.</summary>
public enum ArchiveKeys
{
    Runs,
    Experiments,

    /// <summary>
    /// Experiment ids of experiments that have no runs (a batch's emptied experiments, locked, after their runs moved):
    /// as <see cref="Experiments"/>, except that no row is named through a run, since there is none. Every parent
    /// path through <c>runs</c> is "false", so a table reached only through runs (metrics, params, tags ...) has no
    /// statement, and one reached several ways loses its sub-selects of runs.
    /// </summary>
    RunlessExperiments,
}

/// <summary>A foreign key of the live schema, read from pg_constraint.</summary>
/// <param name="OnDelete">NO ACTION, RESTRICT, CASCADE, SET NULL or SET DEFAULT.</param>
public sealed record ForeignKey(string Name, string Table, string[] Columns, string References, string[] ReferencedColumns, string OnDelete)
{
    public override string ToString() =>
        $"{Table}.{Name} ({string.Join(", ", Columns)}) -> {References} ({string.Join(", ", ReferencedColumns)}), on delete {OnDelete.ToLowerInvariant()}";
}

/// <summary>A table of MLflow's whose rows belong to experiments, as the catalog says they do.</summary>
/// <param name="Parents">Its foreign keys into other archived tables: a row goes with any parent row that goes.</param>
/// <param name="Known">True when the table is in an MLflow release this build knows (<see cref="MlflowReleases"/>).</param>
public sealed record ArchivedTable(string Name, IReadOnlyList<ForeignKey> Parents, bool Known, IReadOnlyList<string> Links)
{
    public override string ToString() => Name;
}

/// <summary>A row outside the archived tables that points into them: its experiment stays live.</summary>
public sealed record Referrer(ForeignKey Key, string Why);

/// <summary>
/// MLflow's data model as this database's catalog has it, derived at run time so that a newer
/// MLflow's tables are handled without a new dbops:
/// <list type="bullet">
/// <item>the archived tables: <c>experiments</c>, then every table with a foreign key into an
/// archived table, followed transitively (runs, their metrics, params, tags; traces and their
/// tags, metadata, spans and assessments; logged models and their params, tags and metrics;
/// datasets, scorers, issues ...). A row is archived when any of its foreign keys points at a row
/// being archived, whatever the key's ON DELETE: with NO ACTION it would block the move, with
/// CASCADE it would be deleted unseen, with SET NULL its pointer would be lost.</item>
/// <item>the exceptions, rows that refer to an experiment's rows without belonging to them: a
/// foreign key with ON DELETE SET NULL or SET DEFAULT from a table reached no other way (MLflow's
/// <c>endpoints.experiment_id</c>: a gateway endpoint outlives the experiment it logs to), and
/// any foreign key from a table with its own <c>workspace</c> column (MLflow 3's workspace-level
/// objects: endpoints, guardrails, evaluation datasets). Such a row keeps the experiment live
/// (moving it would take another object's data, leaving it would break its pointer).</item>
/// <item>MLflow's links without a foreign key (<see cref="LinkNames"/>): <c>inputs</c> by
/// destination RUN, source RUN_INPUT/RUN_OUTPUT (a run's logged-model inputs and outputs) and
/// destination MODEL_INPUT/MODEL_OUTPUT; <c>input_tags</c> by their input;
/// <c>entity_associations</c> by source or destination of type experiment, run, trace or model.
/// The spellings are MLflow's: mlflow/store/tracking/sqlalchemy_store.py (log_inputs,
/// log_outputs) and mlflow/entities/entity_type.py (EntityAssociationType); MLflow's own
/// workspace deletion selects an experiment's inputs and associations by the same rules.</item>
/// </list>
/// A table this build cannot place (a foreign-key cycle among archived tables: no order of
/// moves satisfies it) is a <see cref="Problems"/> entry: counts are still printed, the move refuses.
/// </summary>
public sealed class ArchiveModel
{
    public const string Live = "public";
    public const string Archive = "mlflow_archive";

    /// <summary>The link tables MLflow keeps without foreign keys, in the order they depend on each other (input_tags through inputs).</summary>
    public static readonly string[] LinkNames = ["input_tags", "inputs", "entity_associations"];

    /// <summary>entity_associations' types and the table and id column each names (mlflow/entities/entity_type.py).</summary>
    private static readonly (string Type, string Table, string Id)[] AssociationTypes =
        [("experiment", "experiments", "experiment_id"), ("run", "runs", "run_uuid"), ("trace", "trace_info", "request_id"), ("model", "logged_models", "model_id")];

    /// <summary>Every archived table (link tables included), children before parents: the order of a move; a restore goes the other way.</summary>
    public IReadOnlyList<ArchivedTable> Tables { get; }
    public IReadOnlyList<Referrer> Referrers { get; }
    public IReadOnlyList<string> Problems { get; }

    private readonly Dictionary<string, ArchivedTable> byName;
    private readonly Dictionary<(string, string, string, ArchiveKeys, string), string> memo = [];

    /// <summary>Every live table's column names.</summary>
    public IReadOnlyDictionary<string, HashSet<string>> LiveColumns { get; }

    private ArchiveModel(IReadOnlyList<ArchivedTable> tables, IReadOnlyList<Referrer> referrers, IReadOnlyList<string> problems, IReadOnlyDictionary<string, HashSet<string>> columns)
    {
        LiveColumns = columns;
        Tables = tables;
        Referrers = referrers;
        Problems = problems;
        byName = tables.ToDictionary(t => t.Name, StringComparer.Ordinal);
    }

    public bool Has(string table) => byName.ContainsKey(table);

    /// <summary>The tables no MLflow release this build knows has: archived by what the catalog says, and named in every report.</summary>
    public IEnumerable<ArchivedTable> Unknown => Tables.Where(t => !t.Known);

    public static async Task<ArchiveModel> LoadAsync(NpgsqlConnection conn, CancellationToken ct)
    {
        var keys = await conn.RowsAsync(
            """
            select c.conname::text, t.relname::text, p.relname::text,
                   array(select a.attname::text from unnest(c.conkey) with ordinality k(n, i) join pg_attribute a on a.attrelid = c.conrelid and a.attnum = k.n order by k.i),
                   array(select a.attname::text from unnest(c.confkey) with ordinality k(n, i) join pg_attribute a on a.attrelid = c.confrelid and a.attnum = k.n order by k.i),
                   c.confdeltype::text
            from pg_constraint c
            join pg_class t on t.oid = c.conrelid join pg_class p on p.oid = c.confrelid
            where c.contype = 'f' and t.relnamespace = 'public'::regnamespace and p.relnamespace = 'public'::regnamespace
            order by 2, 1
            """,
            r => new ForeignKey(r.GetString(0), r.GetString(1), r.GetFieldValue<string[]>(3), r.GetString(2), r.GetFieldValue<string[]>(4), r.GetString(5) switch
            {
                "c" => "CASCADE", "n" => "SET NULL", "d" => "SET DEFAULT", "r" => "RESTRICT", _ => "NO ACTION",
            }), ct);
        var columns = (await conn.RowsAsync(
            """
            select c.relname::text, a.attname::text
            from pg_class c join pg_attribute a on a.attrelid = c.oid and a.attnum > 0 and not a.attisdropped
            where c.relnamespace = 'public'::regnamespace and c.relkind in ('r', 'p')
            """, r => (Table: r.GetString(0), Column: r.GetString(1)), ct))
            .GroupBy(r => r.Table, StringComparer.Ordinal).ToDictionary(g => g.Key, g => g.Select(r => r.Column).ToHashSet(StringComparer.Ordinal), StringComparer.Ordinal);
        return Derive(keys, columns);
    }

    /// <summary>The model from the live schema's foreign keys and columns (the catalog's facts, so that it can be tested without a database).</summary>
    public static ArchiveModel Derive(IReadOnlyList<ForeignKey> keys, IReadOnlyDictionary<string, HashSet<string>> columns)
    {
        var problems = new List<string>();
        if (!columns.ContainsKey("experiments") || !columns.ContainsKey("runs"))
        {
            return new ArchiveModel([], [], ["MLflow's experiments and runs tables are missing: has MLflow initialised this database?"], columns);
        }
        bool WorkspaceLevel(string table) => table != "experiments" && columns.TryGetValue(table, out var c) && c.Contains("workspace");
        static bool Referring(ForeignKey k) => k.OnDelete is "SET NULL" or "SET DEFAULT";

        // The closure: tables reached by a foreign key that means "belongs to" (not SET NULL, not from a workspace-level table).
        var owned = new HashSet<string>(StringComparer.Ordinal) { "experiments" };
        for (var grew = true; grew;)
        {
            grew = false;
            foreach (var k in keys)
            {
                if (owned.Contains(k.References) && !owned.Contains(k.Table) && !Referring(k) && !WorkspaceLevel(k.Table))
                {
                    owned.Add(k.Table);
                    grew = true;
                }
            }
        }
        var referrers = keys.Where(k => owned.Contains(k.References) && !owned.Contains(k.Table))
            .Select(k => new Referrer(k, WorkspaceLevel(k.Table)
                ? $"{k.Table} is a workspace's object (it has its own workspace column), not an experiment's"
                : $"{k.Table} outlives what it points at (on delete {k.OnDelete.ToLowerInvariant()})"))
            .ToArray();

        var links = new Dictionary<string, List<string>>(StringComparer.Ordinal);
        foreach (var link in LinkNames.Where(columns.ContainsKey)) links[link] = [];
        if (links.ContainsKey("inputs")) links["inputs"].AddRange(["runs", "logged_models"]);
        if (links.ContainsKey("input_tags") && links.ContainsKey("inputs")) links["input_tags"].Add("inputs");
        else links.Remove("input_tags");
        if (links.ContainsKey("entity_associations")) links["entity_associations"].AddRange(AssociationTypes.Select(a => a.Table));
        foreach (var l in links.Values) l.RemoveAll(p => !owned.Contains(p) && !links.ContainsKey(p));
        foreach (var l in links.Keys) owned.Remove(l);

        // A table that reaches itself through its parents is in a cycle: no order of moves satisfies its keys. It is set
        // aside (named as a problem), and the rest ordered children before parents (Kahn's algorithm).
        var parents = owned.Concat(links.Keys).ToDictionary(t => t, t => new HashSet<string>(
            keys.Where(k => k.Table == t && owned.Contains(k.References) && k.References != t).Select(k => k.References)
                .Concat(links.TryGetValue(t, out var l) ? l : []), StringComparer.Ordinal), StringComparer.Ordinal);
        bool Reaches(string from, string target)
        {
            var seen = new HashSet<string>(StringComparer.Ordinal);
            var stack = new Stack<string>(parents[from]);
            while (stack.Count > 0)
            {
                var t = stack.Pop();
                if (t == target) return true;
                if (seen.Add(t)) foreach (var p in parents[t]) stack.Push(p);
            }
            return false;
        }
        var remaining = parents.Keys.Where(t => Reaches(t, t)).ToHashSet(StringComparer.Ordinal);
        foreach (var t in parents.Keys) parents[t].ExceptWith(remaining);
        var order = new List<string>();
        var pending = parents.Keys.Except(remaining).ToHashSet(StringComparer.Ordinal);
        while (pending.Count > 0)
        {
            // A table no pending table depends on goes next; ties by name, so the order is stable.
            var next = pending.Where(t => !pending.Any(o => parents[o].Contains(t))).Order(StringComparer.Ordinal).First();
            order.Add(next);
            pending.Remove(next);
        }
        foreach (var t in remaining.Order(StringComparer.Ordinal))
        {
            problems.Add($"{t} is in a cycle of foreign keys ({string.Join("; ", keys.Where(k => k.Table == t && remaining.Contains(k.References)))}): dbops cannot order its move, so its experiments cannot be archived; its rows are not counted");
        }
        var known = MlflowReleases.Known.SelectMany(r => r.Tables).Select(t => t.Name).ToHashSet(StringComparer.Ordinal);
        var tables = order.Select(t => new ArchivedTable(t,
            keys.Where(k => k.Table == t && owned.Contains(k.References) && !remaining.Contains(k.References)).ToArray(),
            known.Contains(t), links.TryGetValue(t, out var l) ? l : [])).ToArray();
        return new ArchiveModel(tables, referrers.Where(r => !remaining.Contains(r.Key.References)).ToArray(), problems, columns);
    }

    public ArchivedTable this[string name] => byName[name];

    /// <summary>Tables a run batch moves: those with a row that can point at a run.</summary>
    public IEnumerable<ArchivedTable> RunLevel => Tables.Where(t => Owned(t.Name, Live, ArchiveKeys.Runs) != "false");

    /// <summary>
    /// A SQL condition on <paramref name="table"/>'s rows in <paramref name="schema"/>: the row belongs to the rows
    /// <paramref name="keys"/> names, given as <paramref name="param"/> (text[] of run ids for <see cref="ArchiveKeys.Runs"/>,
    /// int[] of experiment ids for <see cref="ArchiveKeys.Experiments"/>). Its columns are qualified by the table's
    /// name, so a statement names the table as <c>schema.table</c> or gives it that alias. "false" when no row of the table can.
    /// <para>
    /// A parent's rows are named by a correlated <c>exists</c> that probes the parent's key, never by
    /// <c>col in (select ...)</c>: inside an <c>or</c> (a link table's several kinds of link, a row with several parents)
    /// PostgreSQL cannot turn a sub-select into a join, and an <c>in</c> sub-select is then either hashed, while its ids
    /// fit <c>work_mem</c>, or rescanned for every row, which made the count of 61 K runs' inputs take 96 s instead of
    /// 0.1 s at 1 MB (docs/benchmarks/2026-12-02-bench-db-7.md). A correlated <c>exists</c> is one index probe per row
    /// whatever the sizes, and at the top level PostgreSQL still turns it into a semi-join
    /// (https://www.postgresql.org/docs/current/functions-subquery.html; the planner's pull-up of EXISTS sublinks,
    /// src/backend/optimizer/plan/subselect.c, convert_EXISTS_sublink_to_join).
    /// </para>
    /// </summary>
    public string Owned(string table, string schema, ArchiveKeys keys, string param = "$1") => Owned(table, Q(table), 0, schema, keys, param);

    private string Owned(string table, string self, int depth, string schema, ArchiveKeys keys, string param)
    {
        var key = (table, self, schema, keys, param);
        if (memo.TryGetValue(key, out var cached)) return cached;
        string Column(string c) => $"{self}.{Q(c)}";
        var result = table switch
        {
            "experiments" => keys != ArchiveKeys.Runs ? $"{Column("experiment_id")} = any({param})" : "false",
            "runs" => keys switch
            {
                ArchiveKeys.Runs => $"{Column("run_uuid")} = any({param})",
                ArchiveKeys.RunlessExperiments => "false",
                _ => $"{Column("experiment_id")} = any({param})",
            },
            "inputs" => Any(
                Link(self, "destination_type", ["RUN"], "destination_id", "runs", "run_uuid", depth, schema, keys, param),
                Link(self, "source_type", ["RUN_INPUT", "RUN_OUTPUT"], "source_id", "runs", "run_uuid", depth, schema, keys, param),
                Link(self, "destination_type", ["MODEL_INPUT", "MODEL_OUTPUT"], "destination_id", "logged_models", "model_id", depth, schema, keys, param)),
            "input_tags" => Link(self, null, [], "input_uuid", "inputs", "input_uuid", depth, schema, keys, param),
            "entity_associations" => Any(AssociationTypes.SelectMany(a => new[]
            {
                Link(self, "source_type", [a.Type], "source_id", a.Table, a.Id, depth, schema, keys, param),
                Link(self, "destination_type", [a.Type], "destination_id", a.Table, a.Id, depth, schema, keys, param),
            }).ToArray()),
            _ => Any(byName[table].Parents.Select(k => Parent(k, self, depth, schema, keys, param)).ToArray()),
        };
        memo[key] = result;
        return result;
    }

    /// <summary>The rows of the parent a foreign key points at, when they belong; a key straight into experiments or a batch's runs needs no sub-select.</summary>
    private string Parent(ForeignKey k, string self, int depth, string schema, ArchiveKeys keys, string param)
    {
        if (k.Columns.Length == 1 && k.References == "experiments" && k.ReferencedColumns[0] == "experiment_id")
        {
            return keys != ArchiveKeys.Runs ? $"{self}.{Q(k.Columns[0])} = any({param})" : "false";
        }
        if (k.Columns.Length == 1 && k.References == "runs" && k.ReferencedColumns[0] == "run_uuid" && keys == ArchiveKeys.Runs)
        {
            return $"{self}.{Q(k.Columns[0])} = any({param})";
        }
        var alias = Alias(depth + 1);
        var inner = Owned(k.References, alias, depth + 1, schema, keys, param);
        if (inner == "false") return "false";
        var join = string.Join(" and ", k.Columns.Zip(k.ReferencedColumns, (c, r) => $"{alias}.{Q(r)} = {self}.{Q(c)}"));
        return $"exists (select 1 from {schema}.{Q(k.References)} {alias} where {join} and {inner})";
    }

    /// <summary>
    /// A link MLflow keeps without a foreign key: <paramref name="typeColumn"/> (when there is one) is one of
    /// <paramref name="types"/> and <paramref name="idColumn"/> names a row of <paramref name="parent"/> that belongs.
    /// An experiment, or a batch's run, is named straight from the ids (as <see cref="Parent"/> does for a foreign key).
    /// </summary>
    private string Link(string self, string? typeColumn, string[] types, string idColumn, string parent, string parentId, int depth, string schema, ArchiveKeys keys, string param)
    {
        if (!byName.ContainsKey(parent)) return "false";
        var typed = typeColumn is null ? "" : types.Length == 1
            ? $"{self}.{Q(typeColumn)} = '{types[0]}' and "
            : $"{self}.{Q(typeColumn)} in ({string.Join(", ", types.Select(t => $"'{t}'"))}) and ";
        var id = $"{self}.{Q(idColumn)}";
        if (parent == "experiments")
        {
            return keys != ArchiveKeys.Runs ? $"({typed}{id} = any(({param})::text[]))" : "false";
        }
        if (parent == "runs" && keys == ArchiveKeys.Runs)
        {
            return $"({typed}{id} = any({param}))";
        }
        var alias = Alias(depth + 1);
        var inner = Owned(parent, alias, depth + 1, schema, keys, param);
        if (inner == "false") return "false";
        return $"({typed}exists (select 1 from {schema}.{Q(parent)} {alias} where {alias}.{Q(parentId)} = {id} and {inner}))";
    }

    /// <summary>A sub-select's name for its parent row, one per depth, so that a nested sub-select's columns never bind to an outer row.</summary>
    private static string Alias(int depth) => $"p{depth}";

    private static string Any(params string[] conditions)
    {
        var real = conditions.Where(c => c != "false").ToArray();
        return real.Length switch { 0 => "false", 1 => real[0], _ => "(" + string.Join(" or ", real) + ")" };
    }

    public static string Q(string identifier) => "\"" + identifier.Replace("\"", "\"\"", StringComparison.Ordinal) + "\"";
}
