/**
 * Resource types of the rds service. Sources: each spec's `source`, each rule's.
 *
 * The helpers exported here (identifier and window checks, credential checks
 * against a generator, parameter catalogues) are shared with docdb.ts:
 * DocumentDB's control plane is RDS's, and the provider's docdb package copies
 * the rds validators.
 */
import { AURORA_POSTGRES_CLASSES, ClassCatalogue, DOCUMENTDB_CLASSES } from "../../infra/instanceClasses";
import { MIN_WINDOW_MINUTES, WindowFormatError, parseDailyWindow, parseWeeklyWindow, windowsOverlap } from "../../infra/windows";
import { tagRules } from "./common";
import { RANDOM_PASSWORD, generated, generatedBehind, outside } from "./generated";
import { Inputs, ResourceTypeSpec, Rule, RuleContext, TF, identifier, known, namesASnapshot } from "./spec";

export { AURORA_POSTGRES_CLASSES, DOCUMENTDB_CLASSES };

// ---------------------------------------------------------------------------
// Shared helpers
// ---------------------------------------------------------------------------

/** Set in the program (the provider's ConflictsWith/RequiredWith count any configured value, `false` included). */
export const isSet = (v: unknown): boolean => v !== undefined && v !== null && v !== "";
const show = (v: unknown): string => JSON.stringify(v);

/**
 * The provider's validIdentifier (internal/service/rds/validate.go, and the
 * docdb copy): lowercase letters, digits and hyphens, a letter first, no "--",
 * no hyphen at the end. `maxLength` where the validator (docdb) or AWS (rds) caps it.
 */
export function identifierProblem(v: unknown, opts: { prefix?: boolean; maxLength?: number } = {}): string | undefined {
    if (!known(v)) return undefined;
    const s = String(v);
    const allowed = opts.prefix
        ? "lowercase letters, digits and hyphens, a letter first, no two hyphens in a row"
        : "lowercase letters, digits and hyphens, a letter first, no two hyphens in a row, no hyphen at the end";
    if (!/^[0-9a-z-]+$/.test(s) || !/^[a-z]/.test(s) || s.includes("--") || (!opts.prefix && s.endsWith("-"))) {
        return `${show(s)} is not a valid identifier; allowed: ${allowed}`;
    }
    if (opts.maxLength !== undefined && s.length > opts.maxLength) return `${show(s)} has ${s.length} characters; at most ${opts.maxLength} allowed`;
    return undefined;
}

/** `a` and `b` are both set although the provider's schema says ConflictsWith. */
export function conflict(inputs: Inputs, a: string, others: string[]): string | undefined {
    if (!isSet(inputs[a])) return undefined;
    const clash = others.filter((o) => isSet(inputs[o]));
    return clash.length ? `${a} cannot be set together with ${clash.join(", ")} (the provider's ConflictsWith); set only one` : undefined;
}

/** The provider's verify.ValidARN, as far as the shape goes. */
export const isArn = (v: unknown): boolean => /^arn:aws[a-z-]*:[a-z0-9-]+:[a-z0-9-]*:[0-9]*:.+$/.test(String(v));

/** verify.ValidOnceADayWindowFormat / ValidOnceAWeekWindowFormat (internal/verify/validate.go). */
const DAILY = /^(([0-1][0-9]|2[0-3]):([0-5][0-9])-([0-1][0-9]|2[0-3]):([0-5][0-9]))$/;
const WEEKLY = /^((sun|mon|tue|wed|thu|fri|sat):([0-1][0-9]|2[0-3]):([0-5][0-9])-(sun|mon|tue|wed|thu|fri|sat):([0-1][0-9]|2[0-3]):([0-5][0-9]))$/;
export const VERIFY_SOURCE = `${TF}/../verify/validate.go (ValidOnceADayWindowFormat, ValidOnceAWeekWindowFormat)`;

export function dailyWindowProblem(v: unknown): string | undefined {
    if (!known(v)) return undefined;
    return DAILY.test(String(v)) ? undefined : `${show(v)} is not a daily window; expected "hh24:mi-hh24:mi" (UTC), e.g. "02:00-02:30"`;
}
export function weeklyWindowProblem(v: unknown): string | undefined {
    if (!known(v)) return undefined;
    // The provider lower-cases before matching.
    return WEEKLY.test(String(v).toLowerCase()) ? undefined : `${show(v)} is not a weekly window; expected "ddd:hh24:mi-ddd:hh24:mi" (UTC), e.g. "sun:05:00-sun:05:30"`;
}

/**
 * RDS and DocumentDB: the backup window and the maintenance window must each be
 * at least 30 minutes, and must not overlap (CreateDBCluster
 * PreferredBackupWindow/PreferredMaintenanceWindow constraints).
 */
export function windowLengthProblem(v: unknown, kind: "daily" | "weekly"): string | undefined {
    if (!known(v)) return undefined;
    try {
        const w = kind === "daily" ? parseDailyWindow(String(v)) : parseWeeklyWindow(String(v).toLowerCase());
        const min = kind === "daily" ? MIN_WINDOW_MINUTES.rdsBackup : MIN_WINDOW_MINUTES.rdsMaintenance;
        return w.minutes < min ? `${show(v)} lasts ${w.minutes} minutes; AWS requires at least ${min}` : undefined;
    } catch (e) {
        if (e instanceof WindowFormatError) return undefined; // the format rule reports it
        throw e;
    }
}
export function windowsOverlapProblem(backup: unknown, maintenance: unknown): string | undefined {
    if (!known(backup) || !known(maintenance)) return undefined;
    try {
        const b = parseDailyWindow(String(backup));
        const m = parseWeeklyWindow(String(maintenance).toLowerCase());
        return windowsOverlap(b, m) ? `backup window ${show(backup)} overlaps maintenance window ${show(maintenance)}; AWS requires them not to overlap` : undefined;
    } catch (e) {
        if (e instanceof WindowFormatError) return undefined;
        throw e;
    }
}

/** What AWS accepts in a master password: which characters, how long. */
export interface PasswordPolicy {
    service: string;
    min: number;
    max: number;
    /** Printable ASCII (0x21-0x7E) without these. */
    excluded: string;
}

/**
 * A master password judged by its value when the plan holds it, else by the
 * generator behind it: every character the RandomPassword may emit must be
 * allowed, and its length within bounds.
 */
export function passwordProblem(property: string, inputs: Inputs, ctx: RuleContext, policy: PasswordPolicy): string | undefined {
    const ok = (c: string) => c >= "!" && c <= "~" && !policy.excluded.includes(c);
    const allowed = `${policy.min}-${policy.max} printable ASCII characters except ${[...policy.excluded].map((c) => show(c)).join(" ")} and space`;
    const gen = generatedBehind(ctx.sourceOf(property, RANDOM_PASSWORD));
    if (gen) {
        const bad = outside(gen.characters, ok);
        if (bad.length) return `the generator ${gen.urn} can produce ${bad.map((c) => show(c)).join(" ")}; ${policy.service} allows ${allowed}`;
        if (!(gen.length >= policy.min && gen.length <= policy.max)) return `the generator ${gen.urn} produces ${gen.length} characters; ${policy.service} allows ${allowed}`;
        return undefined;
    }
    const v = inputs[property];
    if (!known(v)) return undefined;
    const s = String(v);
    const bad = outside(new Set(s), ok);
    if (bad.length) return `the password holds ${bad.map((c) => show(c)).join(" ")}; ${policy.service} allows ${allowed}`;
    if (s.length < policy.min || s.length > policy.max) return `the password has ${s.length} characters; ${policy.service} allows ${allowed}`;
    return undefined;
}

/**
 * A cluster the program adopts after it was created as a replica (the DR
 * runbook's promoted secondary: its replication source is ignored, see
 * infra/components/clusterOrigin.ts): it exists, took its users from the
 * primary, and is never created from these inputs, so create-time credential
 * rules do not apply to it.
 */
export const adoptedReplica = (ctx: RuleContext): boolean => (ctx.resource.ignoreChanges ?? []).includes("replicationSourceIdentifier");

/** Valid RandomPassword inputs for the cases: credentials.ts's shape, with a special set every consumer accepts. */
export const GOOD_GENERATOR = { length: 40, special: true, overrideSpecial: "!$&-", minLower: 2, minUpper: 2, minNumeric: 2, minSpecial: 2 };

/** Engine-version major ("16.6" -> "16"; DocumentDB "5.0.0" -> "5.0"). */
export const majorOf = (version: unknown, parts = 1): string => String(version).split(".").slice(0, parts).join(".");

/**
 * The family of the parameter group an input names: the plan's group behind it
 * (property dependency), or an AWS default group, whose name is "default.<family>".
 */
export function familyBehind(property: string, inputs: Inputs, ctx: RuleContext, groupType: string): string | undefined {
    const group = ctx.sourceOf(property, groupType);
    if (group && typeof group.inputs.family === "string") return group.inputs.family;
    const name = inputs[property];
    if (typeof name === "string" && name.startsWith("default.")) return name.slice("default.".length);
    return undefined;
}

/** A parameter group's parameter entries as the plan holds them. */
export function parametersOf(inputs: Inputs): { name: string; value: unknown; applyMethod?: string }[] {
    const ps = inputs.parameters;
    return Array.isArray(ps) ? (ps.filter((p) => p && typeof p === "object") as { name: string; value: unknown; applyMethod?: string }[]) : [];
}

/** Apply methods AWS knows (RDS/DocumentDB API `Parameter.ApplyMethod`). */
export const APPLY_METHODS = ["immediate", "pending-reboot"];

export interface KnownParameter {
    /** Static: takes effect only at reboot, and AWS refuses apply method "immediate" for it. */
    static: boolean;
    /** The values AWS accepts, where the reference lists them. */
    valid?: (v: string) => boolean;
    validText?: string;
}

/**
 * "A static parameter needs pending-reboot; the name must be known for the family".
 * Unknown names are reported too: ModifyDBClusterParameterGroup refuses a
 * parameter the family does not have, and a catalogue entry is where its apply
 * type gets recorded.
 */
export function parameterProblems(
    inputs: Inputs,
    catalogue: (family: string) => Record<string, KnownParameter> | undefined,
    defaultApply: string,
): string | undefined {
    const family = String(inputs.family ?? "");
    const known = catalogue(family);
    if (!known) return undefined; // the family rule reports an unknown family
    for (const p of parametersOf(inputs)) {
        const fact = known[p.name];
        if (!fact) return `parameter ${show(p.name)} is not in the catalogue for family ${family} (engine/provider/${family.startsWith("docdb") ? "docdb" : "rds"}.ts); known: ${Object.keys(known).join(", ")}`;
        const method = (p.applyMethod ?? defaultApply).toLowerCase();
        if (fact.static && method !== "pending-reboot") return `parameter ${p.name} is static: AWS refuses apply method ${show(method)} for it; use "pending-reboot"`;
        if (fact.valid && !fact.valid(String(p.value))) return `parameter ${p.name} = ${show(p.value)}; allowed: ${fact.validText}`;
    }
    return undefined;
}

export function applyMethodProblem(inputs: Inputs): string | undefined {
    for (const p of parametersOf(inputs)) {
        // The rds provider validates case-insensitively (enum.ValidateIgnoreCase); docdb's StringInSlice is exact.
        if (p.applyMethod !== undefined && !APPLY_METHODS.includes(String(p.applyMethod).toLowerCase())) {
            return `parameter ${p.name}: apply method ${show(p.applyMethod)}; allowed: "immediate", "pending-reboot"`;
        }
    }
    return undefined;
}

/** An instance class in the engine's catalogue (infra/instanceClasses.ts, from AWS's supported-classes tables). */
export function classProblem(v: unknown, catalogue: ClassCatalogue): string | undefined {
    if (!known(v)) return undefined;
    return catalogue.classes.has(String(v)) ? undefined : `instance class ${show(v)} is not offered for ${catalogue.engine}; allowed: ${catalogue.hint}`;
}

/** Provider parameter group names: validParamGroupName (rds allows ".", docdb does not). */
export function paramGroupNameProblem(v: unknown, allowDot: boolean): string | undefined {
    if (!known(v)) return undefined;
    const s = String(v);
    const chars = allowDot ? /^[0-9a-z.-]+$/ : /^[0-9a-z-]+$/;
    if (!chars.test(s) || !/^[a-z]/.test(s) || s.includes("--") || s.endsWith("-") || s.length > 255) {
        return `${show(s)} is not a valid parameter group name; allowed: up to 255 lowercase letters, digits${allowDot ? ", periods" : ""} and hyphens, a letter first, no two hyphens in a row, no hyphen at the end`;
    }
    return undefined;
}

/** Provider subnet group names: validSubnetGroupName. */
export function subnetGroupNameProblem(v: unknown): string | undefined {
    if (!known(v)) return undefined;
    const s = String(v);
    if (!/^[0-9a-z_ .-]+$/.test(s) || s.length > 255) return `${show(s)} is not a valid subnet group name; allowed: up to 255 lowercase letters, digits, hyphens, underscores, periods and spaces`;
    if (/^default$/i.test(s)) return `${show(s)} is reserved; choose another subnet group name`;
    return undefined;
}

/**
 * A DB subnet group must cover at least two Availability Zones (CreateDBSubnetGroup:
 * "must contain at least one subnet in at least two AZs in the Region"). The plan
 * holds subnet ids, not their zones, so what can be checked is at least two subnets.
 */
export function subnetCountProblem(v: unknown): string | undefined {
    if (!Array.isArray(v)) return undefined;
    return v.length < 2 ? `${v.length} subnet(s); a DB subnet group needs subnets in at least two Availability Zones, so at least 2 subnets` : undefined;
}

/** A final-snapshot name: the provider's inline validator on final_snapshot_identifier. */
export function finalSnapshotProblem(v: unknown): string | undefined {
    if (!known(v)) return undefined;
    const s = String(v);
    if (!/^[0-9A-Za-z-]+$/.test(s) || s.includes("--") || s.endsWith("-")) return `${show(s)}: only letters, digits and hyphens, no two hyphens in a row, no hyphen at the end`;
    return undefined;
}

const monitoringIntervals = [0, 1, 5, 10, 15, 30, 60];
export const MONITORING_DOC = "https://docs.aws.amazon.com/AmazonRDS/latest/APIReference/API_CreateDBInstance.html (MonitoringInterval, MonitoringRoleArn)";
export function monitoringIntervalProblem(v: unknown): string | undefined {
    if (!known(v)) return undefined;
    return monitoringIntervals.includes(Number(v)) ? undefined : `monitoring interval ${show(v)}; allowed: ${monitoringIntervals.join(", ")} (seconds; 0 = off)`;
}
export function monitoringRoleProblem(inputs: Inputs): string | undefined {
    const interval = Number(inputs.monitoringInterval ?? 0);
    const role = inputs.monitoringRoleArn;
    if (interval > 0 && !isSet(role)) return `monitoring interval ${interval} needs monitoringRoleArn (the role RDS assumes to publish Enhanced Monitoring metrics)`;
    if (interval === 0 && isSet(role)) return `monitoringRoleArn is set but the monitoring interval is 0; AWS requires an interval other than 0 with a role`;
    if (known(role) && !isArn(role)) return `monitoringRoleArn ${show(role)} is not an ARN`;
    return undefined;
}

/** 7, 731, or a multiple of 31 from 31 to 713 (months 1-23). */
export function performanceInsightsRetentionProblem(v: unknown): string | undefined {
    if (!known(v)) return undefined;
    const n = Number(v);
    const ok = n === 7 || n === 731 || (Number.isInteger(n) && n >= 31 && n <= 713 && n % 31 === 0);
    return ok ? undefined : `Performance Insights retention ${show(v)} days; allowed: 7, 731, or a multiple of 31 from 31 to 713 (1-23 months)`;
}

// ---------------------------------------------------------------------------
// Facts
// ---------------------------------------------------------------------------

const RDS_PASSWORD: PasswordPolicy = {
    service: "Aurora (CreateDBCluster MasterUserPassword)",
    // The API reference gives 8-41 for every Aurora engine; the Aurora user
    // guide's naming-constraints table is looser for Aurora PostgreSQL. The API
    // is what validates, so the stricter bound is used.
    min: 8,
    max: 41,
    // "Can contain any printable ASCII character except "/", """, or "@"". A
    // space is not in 0x21-0x7E, AWS's "printable" set.
    excluded: '/"@',
};
const CREATE_DB_CLUSTER = "https://docs.aws.amazon.com/AmazonRDS/latest/APIReference/API_CreateDBCluster.html";
const NAMING = "https://docs.aws.amazon.com/AmazonRDS/latest/AuroraUserGuide/CHAP_Limits.html#RDS_Limits.Constraints";
const PI_DOC = "https://docs.aws.amazon.com/AmazonRDS/latest/APIReference/API_CreateDBInstance.html (PerformanceInsightsRetentionPeriod)";

/** Families AWS offers for Aurora (DescribeDBEngineVersions DBParameterGroupFamily). */
const AURORA_FAMILIES = ["aurora-mysql5.7", "aurora-mysql8.0", ...[11, 12, 13, 14, 15, 16, 17].map((v) => `aurora-postgresql${v}`)];

const onOff = { valid: (v: string) => v === "0" || v === "1", validText: "0 or 1" };
/**
 * Aurora PostgreSQL parameters this program sets or is likely to, with their
 * apply type. AWS marks a parameter static when PostgreSQL's own context is
 * "postmaster" (it needs a server restart) and dynamic otherwise; the
 * contexts are PostgreSQL's (pg_settings.context, PostgreSQL 16 docs,
 * "Server Configuration"). Cross-checked against the Aurora PostgreSQL
 * parameters reference
 * (https://docs.aws.amazon.com/AmazonRDS/latest/AuroraUserGuide/AuroraPostgreSQL.Reference.ParameterGroups.html),
 * which lists the names but not the apply types: the apply types could not be
 * read here from DescribeEngineDefaultClusterParameters.
 */
const AURORA_POSTGRES_PARAMETERS: Record<string, KnownParameter> = {
    "rds.force_ssl": { static: false, ...onOff },
    ssl_min_protocol_version: { static: false, valid: (v) => ["TLSv1", "TLSv1.1", "TLSv1.2", "TLSv1.3"].includes(v), validText: "TLSv1, TLSv1.1, TLSv1.2, TLSv1.3" },
    ssl_max_protocol_version: { static: false, valid: (v) => ["", "TLSv1", "TLSv1.1", "TLSv1.2", "TLSv1.3"].includes(v), validText: "TLSv1, TLSv1.1, TLSv1.2, TLSv1.3" },
    shared_preload_libraries: { static: true },
    log_min_duration_statement: { static: false, valid: (v) => /^-?[0-9]+$/.test(v) && Number(v) >= -1, validText: "-1 (off) or a number of milliseconds" },
    log_statement: { static: false, valid: (v) => ["none", "ddl", "mod", "all"].includes(v), validText: "none, ddl, mod, all" },
    log_connections: { static: false, ...onOff },
    log_disconnections: { static: false, ...onOff },
    log_lock_waits: { static: false, ...onOff },
    idle_in_transaction_session_timeout: { static: false },
    statement_timeout: { static: false },
    "pg_stat_statements.track": { static: false, valid: (v) => ["none", "top", "all"].includes(v), validText: "none, top, all" },
    "pg_stat_statements.max": { static: true },
    max_connections: { static: true },
    "rds.logical_replication": { static: true, ...onOff },
    timezone: { static: false },
    work_mem: { static: false },
    maintenance_work_mem: { static: false },
    random_page_cost: { static: false },
    "apg_ccm_enabled": { static: false, ...onOff },
};
function auroraCatalogue(family: string): Record<string, KnownParameter> | undefined {
    return family.startsWith("aurora-postgresql") && AURORA_FAMILIES.includes(family) ? AURORA_POSTGRES_PARAMETERS : undefined;
}

const PG_PARAMS_SOURCE =
    "https://docs.aws.amazon.com/AmazonRDS/latest/AuroraUserGuide/AuroraPostgreSQL.Reference.ParameterGroups.html; static = PostgreSQL context postmaster (https://www.postgresql.org/docs/16/runtime-config.html); AWS refuses ApplyMethod immediate for static parameters (https://docs.aws.amazon.com/AmazonRDS/latest/APIReference/API_Parameter.html)";

const CLUSTER_PARAMETER_GROUP = "aws:rds/clusterParameterGroup:ClusterParameterGroup";
const PARAMETER_GROUP = "aws:rds/parameterGroup:ParameterGroup";

const TAGS = { "cost-center": "cc-1234", environment: "prod", "managed-by": "pulumi", owner: "ml-platform" };

// ---------------------------------------------------------------------------
// Specs
// ---------------------------------------------------------------------------

const clusterRules: Rule[] = [
    {
        id: "rds-cluster-identifier",
        property: "clusterIdentifier",
        origin: "provider",
        source: `${TF}/rds/cluster.go (cluster_identifier ValidateFunc validIdentifier); rds/validate.go`,
        check: (i) => identifierProblem(i.clusterIdentifier),
        cases: { pass: [{ clusterIdentifier: "mlops-prod-mlflow2" }], fail: [{ clusterIdentifier: "Mlops-prod" }, { clusterIdentifier: "mlops--prod" }, { clusterIdentifier: "mlops-prod-" }, { clusterIdentifier: "1mlops" }] },
    },
    {
        id: "rds-cluster-identifier-length",
        property: "clusterIdentifier",
        origin: "aws",
        // The provider's validIdentifier has no length limit for rds; the API has.
        source: `${CREATE_DB_CLUSTER} (DBClusterIdentifier: 1 to 63 letters, numbers, or hyphens)`,
        check: (i) => (known(i.clusterIdentifier) && String(i.clusterIdentifier).length > 63 ? `${show(i.clusterIdentifier)} has ${String(i.clusterIdentifier).length} characters; at most 63 allowed` : undefined),
        cases: { pass: [{ clusterIdentifier: "a".repeat(63) }], fail: [{ clusterIdentifier: "a".repeat(64) }] },
    },
    {
        id: "rds-cluster-identifier-prefix",
        property: "clusterIdentifierPrefix",
        origin: "provider",
        source: `${TF}/rds/cluster.go (cluster_identifier_prefix ConflictsWith cluster_identifier, ValidateFunc validIdentifierPrefix)`,
        check: (i) => conflict(i, "clusterIdentifierPrefix", ["clusterIdentifier"]) ?? identifierProblem(i.clusterIdentifierPrefix, { prefix: true }),
        cases: {
            pass: [{ clusterIdentifier: undefined, clusterIdentifierPrefix: "mlops-prod-" }],
            fail: [{ clusterIdentifierPrefix: "mlops-prod-" }, { clusterIdentifier: undefined, clusterIdentifierPrefix: "Mlops" }],
        },
    },
    {
        id: "rds-cluster-engine",
        property: "engine",
        origin: "provider",
        source: `${TF}/rds/cluster.go (engine Required, StringInSlice clusterEngine_Values or "custom-" prefix); rds/consts.go`,
        check: (i) => {
            if (!isSet(i.engine)) return `engine is required; allowed: aurora-mysql, aurora-postgresql, mysql, postgres`;
            const e = String(i.engine);
            return ["aurora-mysql", "aurora-postgresql", "mysql", "postgres"].includes(e) || e.startsWith("custom-") ? undefined : `engine ${show(e)}; allowed: aurora-mysql, aurora-postgresql, mysql, postgres`;
        },
        cases: { pass: [{ engine: "aurora-postgresql" }], fail: [{ engine: undefined }, { engine: "aurora" }, { engine: "docdb" }] },
    },
    {
        id: "rds-cluster-engine-mode",
        property: "engineMode",
        origin: "provider",
        source: `${TF}/rds/cluster.go (engine_mode StringInSlice engineMode_Values)`,
        check: (i) =>
            !isSet(i.engineMode) || ["global", "multimaster", "parallelquery", "provisioned", "serverless"].includes(String(i.engineMode))
                ? undefined
                : `engine mode ${show(i.engineMode)}; allowed: global, multimaster, parallelquery, provisioned, serverless`,
        cases: { pass: [{ engineMode: "provisioned" }, { engineMode: undefined }], fail: [{ engineMode: "serverlessv2" }] },
    },
    {
        id: "rds-cluster-engine-version",
        property: "engineVersion",
        origin: "aws",
        // Aurora PostgreSQL versions are "<major>.<minor>" (DescribeDBEngineVersions); a
        // "16" alone or "16.6.1" is refused by CreateDBCluster as an unknown version.
        source: "https://docs.aws.amazon.com/AmazonRDS/latest/AuroraPostgreSQLReleaseNotes/AuroraPostgreSQL.Updates.html",
        check: (i) =>
            i.engine !== "aurora-postgresql" || !known(i.engineVersion) || /^[0-9]+\.[0-9]+$/.test(String(i.engineVersion))
                ? undefined
                : `Aurora PostgreSQL engine version ${show(i.engineVersion)}; expected "<major>.<minor>", e.g. "16.6"`,
        cases: { pass: [{ engineVersion: "16.6" }], fail: [{ engineVersion: "16" }, { engineVersion: "16.6.1" }] },
    },
    {
        id: "rds-cluster-master-password-source",
        property: "masterPassword",
        origin: "provider",
        source: `${TF}/rds/cluster.go (master_password ConflictsWith manage_master_user_password, master_password_wo; manage_master_user_password ConflictsWith both)`,
        check: (i) => conflict(i, "masterPassword", ["manageMasterUserPassword", "masterPasswordWo"]) ?? conflict(i, "manageMasterUserPassword", ["masterPasswordWo"]),
        cases: {
            pass: [{ masterPassword: undefined, manageMasterUserPassword: true }],
            fail: [{ manageMasterUserPassword: true }, { masterPassword: undefined, manageMasterUserPassword: true, masterPasswordWo: "x".repeat(20), masterPasswordWoVersion: 1 }],
        },
    },
    {
        id: "rds-cluster-master-password-wo-version",
        property: "masterPasswordWoVersion",
        origin: "provider",
        source: `${TF}/rds/cluster.go (master_password_wo RequiredWith master_password_wo_version, and back)`,
        check: (i) => (isSet(i.masterPasswordWo) !== isSet(i.masterPasswordWoVersion) ? `masterPasswordWo and masterPasswordWoVersion must be set together (the provider's RequiredWith)` : undefined),
        cases: {
            pass: [{ masterPassword: undefined, masterPasswordWo: "x".repeat(20), masterPasswordWoVersion: 1 }],
            fail: [{ masterPassword: undefined, masterPasswordWo: "x".repeat(20) }, { masterPasswordWoVersion: 2 }],
        },
    },
    {
        id: "rds-cluster-snapshot-global",
        property: "snapshotIdentifier",
        origin: "provider",
        // "Clusters cannot be joined to an existing global cluster as part of the restore from snapshot operation."
        source: `${TF}/rds/cluster.go (snapshot_identifier ConflictsWith global_cluster_identifier)`,
        check: (i) => conflict(i, "snapshotIdentifier", ["globalClusterIdentifier"]),
        cases: {
            pass: [{ snapshotIdentifier: "mlops-prod-mlflow-final-1a2b3c4d", masterUsername: undefined }],
            fail: [{ snapshotIdentifier: "mlops-prod-mlflow-final-1a2b3c4d", globalClusterIdentifier: "mlops-prod-mlflow-global", masterUsername: undefined, masterPassword: undefined }],
        },
    },
    {
        id: "rds-cluster-restore-source",
        property: "restoreToPointInTime",
        origin: "provider",
        source: `${TF}/rds/cluster.go (restore_to_point_in_time ConflictsWith s3_import, snapshot_identifier; s3_import ConflictsWith snapshot_identifier, restore_to_point_in_time)`,
        check: (i) => {
            const set = ["snapshotIdentifier", "restoreToPointInTime", "s3Import"].filter((k) => isSet(i[k]));
            return set.length > 1 ? `${set.join(", ")} cannot be combined (the provider's ConflictsWith); a cluster has one restore source` : undefined;
        },
        cases: {
            pass: [{ restoreToPointInTime: { sourceClusterIdentifier: "mlops-prod-mlflow", useLatestRestorableTime: true } }],
            fail: [{ restoreToPointInTime: { sourceClusterIdentifier: "mlops-prod-mlflow", useLatestRestorableTime: true }, snapshotIdentifier: "snap-1" }],
        },
    },
    {
        id: "rds-cluster-master-credentials",
        property: "masterUsername",
        origin: "aws",
        // A new cluster (not a restore, not a member of a global cluster or a
        // cross-region replica, which take their users from the source) needs a
        // master user and a password (or an RDS-managed one).
        source: `${CREATE_DB_CLUSTER} (MasterUsername, MasterUserPassword: required unless restoring or creating a secondary)`,
        check: (i, ctx) => {
            const derived = ["snapshotIdentifier", "restoreToPointInTime", "s3Import", "globalClusterIdentifier", "replicationSourceIdentifier"].some((k) => isSet(i[k]));
            if (derived || adoptedReplica(ctx)) return undefined;
            if (!isSet(i.masterUsername)) return `a new cluster needs masterUsername (unless restored or created as a secondary)`;
            if (!isSet(i.masterPassword) && !isSet(i.masterPasswordWo) && i.manageMasterUserPassword !== true) return `a new cluster needs masterPassword, masterPasswordWo or manageMasterUserPassword: true`;
            return undefined;
        },
        cases: {
            pass: [{ masterUsername: undefined, masterPassword: undefined, globalClusterIdentifier: "mlops-prod-mlflow-global", databaseName: undefined }],
            fail: [{ masterUsername: undefined }, { masterPassword: undefined }],
        },
    },
    {
        id: "rds-cluster-secondary-credentials",
        property: "masterUsername",
        origin: "aws",
        // A secondary replicates the primary's users; AWS refuses master
        // credentials (and a database name) on a cluster created into a global
        // cluster or as a cross-region replica ("InvalidParameterCombination:
        // Cannot specify user name / database name for cross region replication
        // cluster", as recalled: not verifiable here against the live API).
        source: "https://docs.aws.amazon.com/AmazonRDS/latest/AuroraUserGuide/aurora-global-database-getting-started.html (adding a secondary: no master credentials or database name)",
        check: (i) => {
            if (!isSet(i.globalClusterIdentifier) && !isSet(i.replicationSourceIdentifier)) return undefined;
            const given = ["masterUsername", "masterPassword", "masterPasswordWo", "manageMasterUserPassword", "databaseName"].filter((k) => isSet(i[k]));
            return given.length ? `a secondary cluster takes its users and database from the primary; remove ${given.join(", ")}` : undefined;
        },
        cases: {
            pass: [{ masterUsername: undefined, masterPassword: undefined, databaseName: undefined, globalClusterIdentifier: "mlops-prod-mlflow-global" }],
            fail: [{ globalClusterIdentifier: "mlops-prod-mlflow-global" }, { masterPassword: undefined, databaseName: undefined, replicationSourceIdentifier: "arn:aws:rds:us-east-1:123456789012:cluster:mlops-prod-mlflow" }],
        },
    },
    {
        id: "rds-cluster-master-username",
        property: "masterUsername",
        origin: "aws",
        // CreateDBCluster's reference says "1 to 16 letters or numbers"; CreateDBInstance
        // and the naming-constraints table allow underscores too, and Aurora
        // PostgreSQL accepts them (not verifiable here against a live API).
        source: `${CREATE_DB_CLUSTER} (MasterUsername: 1 to 16 characters, a letter first, not a reserved word); ${NAMING}`,
        check: (i) => {
            if (!known(i.masterUsername)) return undefined;
            const s = String(i.masterUsername);
            if (!/^[A-Za-z][A-Za-z0-9_]{0,15}$/.test(s)) return `master user name ${show(s)}; allowed: 1-16 letters, digits and underscores, a letter first`;
            // RDS keeps rdsadmin for itself; PostgreSQL reserves role names starting with "pg_".
            if (s.toLowerCase() === "rdsadmin" || s.toLowerCase().startsWith("pg_")) return `master user name ${show(s)} is reserved (rdsadmin, pg_*)`;
            return undefined;
        },
        cases: { pass: [{ masterUsername: "mlflow_admin" }], fail: [{ masterUsername: "1admin" }, { masterUsername: "a".repeat(17) }, { masterUsername: "rdsadmin" }, { masterUsername: "mlflow-admin" }] },
    },
    {
        id: "rds-cluster-master-password",
        property: "masterPassword",
        origin: "aws",
        source: `${CREATE_DB_CLUSTER} (MasterUserPassword: 8 to 41 characters, any printable ASCII character except "/", """, or "@")`,
        check: (i, ctx) => passwordProblem("masterPassword", i, ctx, RDS_PASSWORD),
        cases: {
            pass: [
                { masterPassword: generated(GOOD_GENERATOR) },
                // today's set in credentials.ts; AWS accepts it
                { masterPassword: generated({ ...GOOD_GENERATOR, overrideSpecial: "!*()-_.~+=" }) },
                // the set ElastiCache AUTH also accepts
                { masterPassword: generated({ ...GOOD_GENERATOR, overrideSpecial: "!&#$^<>-" }) },
                { masterPassword: generated({ length: 41, special: false }) },
            ],
            fail: [
                { masterPassword: generated({ ...GOOD_GENERATOR, overrideSpecial: "!@#" }) },
                // random's default specials hold "@"
                { masterPassword: generated({ length: 32 }) },
                { masterPassword: generated({ ...GOOD_GENERATOR, overrideSpecial: '-/"' }) },
                { masterPassword: generated({ ...GOOD_GENERATOR, length: 64 }) },
                { masterPassword: generated({ ...GOOD_GENERATOR, length: 6, minLower: 1, minUpper: 1, minNumeric: 1, minSpecial: 1 }) },
            ],
        },
    },
    {
        id: "rds-cluster-backup-retention",
        property: "backupRetentionPeriod",
        origin: "provider",
        source: `${TF}/rds/cluster.go (backup_retention_period IntAtMost(35)); ${CREATE_DB_CLUSTER} (BackupRetentionPeriod: 1 to 35)`,
        // The provider checks the maximum; the minimum of 1 is AWS's. Judged together: one range.
        check: (i) => (!known(i.backupRetentionPeriod) || (Number(i.backupRetentionPeriod) >= 1 && Number(i.backupRetentionPeriod) <= 35) ? undefined : `backup retention ${show(i.backupRetentionPeriod)} days; allowed: 1-35`),
        cases: { pass: [{ backupRetentionPeriod: 35 }, { backupRetentionPeriod: 1 }], fail: [{ backupRetentionPeriod: 36 }, { backupRetentionPeriod: 0 }] },
    },
    {
        id: "rds-cluster-backup-window",
        property: "preferredBackupWindow",
        origin: "provider",
        source: `${TF}/rds/cluster.go (preferred_backup_window ValidateFunc verify.ValidOnceADayWindowFormat)`,
        check: (i) => dailyWindowProblem(i.preferredBackupWindow),
        cases: { pass: [{ preferredBackupWindow: "23:30-00:15" }], fail: [{ preferredBackupWindow: "2:00-2:30" }, { preferredBackupWindow: "24:00-00:30" }] },
    },
    {
        id: "rds-cluster-maintenance-window",
        property: "preferredMaintenanceWindow",
        origin: "provider",
        source: `${TF}/rds/cluster.go (preferred_maintenance_window ValidateFunc verify.ValidOnceAWeekWindowFormat)`,
        check: (i) => weeklyWindowProblem(i.preferredMaintenanceWindow),
        cases: { pass: [{ preferredMaintenanceWindow: "Sun:05:00-Sun:05:30" }], fail: [{ preferredMaintenanceWindow: "sunday:05:00-sunday:05:30" }, { preferredMaintenanceWindow: "05:00-05:30" }] },
    },
    {
        id: "rds-cluster-window-lengths",
        property: "preferredBackupWindow",
        origin: "aws",
        source: `${CREATE_DB_CLUSTER} (PreferredBackupWindow: at least 30 minutes; PreferredMaintenanceWindow: minimum 30-minute window)`,
        check: (i) => windowLengthProblem(i.preferredBackupWindow, "daily") ?? windowLengthProblem(i.preferredMaintenanceWindow, "weekly"),
        cases: { pass: [{ preferredBackupWindow: "02:00-02:30" }], fail: [{ preferredBackupWindow: "02:00-02:20" }, { preferredMaintenanceWindow: "sun:05:00-sun:05:15" }] },
    },
    {
        id: "rds-cluster-windows-overlap",
        property: "preferredBackupWindow",
        origin: "aws",
        source: `${CREATE_DB_CLUSTER} (PreferredBackupWindow: must not conflict with the preferred maintenance window)`,
        check: (i) => windowsOverlapProblem(i.preferredBackupWindow, i.preferredMaintenanceWindow),
        cases: { pass: [{ preferredBackupWindow: "04:30-05:00", preferredMaintenanceWindow: "sun:05:00-sun:05:30" }], fail: [{ preferredBackupWindow: "05:15-05:45", preferredMaintenanceWindow: "sun:05:00-sun:05:30" }] },
    },
    {
        id: "rds-cluster-final-snapshot-identifier",
        property: "finalSnapshotIdentifier",
        origin: "provider",
        source: `${TF}/rds/cluster.go (final_snapshot_identifier ValidateFunc)`,
        check: (i) => finalSnapshotProblem(i.finalSnapshotIdentifier),
        cases: { pass: [{ finalSnapshotIdentifier: "mlops-prod-mlflow-final-1a2b3c4d" }], fail: [{ finalSnapshotIdentifier: "mlops_prod_final" }, { finalSnapshotIdentifier: "mlops-prod-" }] },
    },
    {
        id: "rds-cluster-final-snapshot-required",
        property: "finalSnapshotIdentifier",
        origin: "aws",
        // The provider's Delete refuses "final_snapshot_identifier is required
        // when skip_final_snapshot is false" before calling DeleteDBCluster: the
        // cluster can be created but never deleted by the program.
        source: `${TF}/rds/cluster.go (resourceClusterDelete: skip_final_snapshot false needs final_snapshot_identifier)`,
        check: (i) => (i.skipFinalSnapshot !== true && !isSet(i.finalSnapshotIdentifier) ? `skipFinalSnapshot is not true but no finalSnapshotIdentifier is given; the cluster could not be deleted` : undefined),
        cases: { pass: [{ skipFinalSnapshot: true, finalSnapshotIdentifier: undefined }], fail: [{ finalSnapshotIdentifier: undefined }, { skipFinalSnapshot: undefined, finalSnapshotIdentifier: undefined }] },
    },
    {
        id: "rds-cluster-kms-key-arn",
        property: "kmsKeyId",
        origin: "provider",
        source: `${TF}/rds/cluster.go (kms_key_id ValidateFunc verify.ValidARN)`,
        check: (i) => (!known(i.kmsKeyId) || isArn(i.kmsKeyId) ? undefined : `kmsKeyId ${show(i.kmsKeyId)} is not an ARN; give the key's ARN`),
        cases: { pass: [{ kmsKeyId: "arn:aws:kms:us-east-1:123456789012:key/abcd" }], fail: [{ kmsKeyId: "alias/mlops-prod-mlflow" }, { kmsKeyId: "abcd-1234" }] },
    },
    {
        id: "rds-cluster-log-exports",
        property: "enabledCloudwatchLogsExports",
        origin: "provider",
        source: `${TF}/rds/cluster.go (enabled_cloudwatch_logs_exports elements StringInSlice clusterExportableLogType_Values)`,
        check: (i) => {
            const allowed = ["audit", "error", "general", "iam-db-auth-error", "instance", "postgresql", "slowquery"];
            const bad = (Array.isArray(i.enabledCloudwatchLogsExports) ? i.enabledCloudwatchLogsExports : []).filter((x) => !allowed.includes(String(x)));
            return bad.length ? `log types ${bad.map(show).join(", ")}; allowed: ${allowed.join(", ")}` : undefined;
        },
        cases: { pass: [{ enabledCloudwatchLogsExports: ["postgresql", "iam-db-auth-error"] }], fail: [{ enabledCloudwatchLogsExports: ["postgres"] }] },
    },
    {
        id: "rds-cluster-port",
        property: "port",
        origin: "aws",
        source: `${CREATE_DB_CLUSTER} (Port: Valid Values 1150-65535)`,
        check: (i) => (!known(i.port) || (Number(i.port) >= 1150 && Number(i.port) <= 65535) ? undefined : `port ${show(i.port)}; allowed: 1150-65535`),
        cases: { pass: [{ port: 5432 }], fail: [{ port: 1024 }, { port: 70000 }] },
    },
    {
        id: "rds-cluster-database-name",
        property: "databaseName",
        origin: "aws",
        source: "https://docs.aws.amazon.com/AmazonRDS/latest/APIReference/API_CreateDBInstance.html (DBName, Amazon Aurora PostgreSQL: 1 to 63 alphanumeric characters, a letter first, then letters, underscores or digits)",
        check: (i) => (!known(i.databaseName) || /^[A-Za-z][A-Za-z0-9_]{0,62}$/.test(String(i.databaseName)) ? undefined : `database name ${show(i.databaseName)}; allowed: 1-63 letters, digits and underscores, a letter first`),
        cases: { pass: [{ databaseName: "mlflow_tracking" }], fail: [{ databaseName: "mlflow-tracking" }, { databaseName: "1mlflow" }, { databaseName: "_mlflow" }, { databaseName: "m".repeat(64) }] },
    },
    {
        id: "rds-cluster-parameter-group-matches-engine",
        property: "dbClusterParameterGroupName",
        origin: "aws",
        // A cluster of Aurora PostgreSQL 16.x needs a group of family aurora-postgresql16.
        source: `${CREATE_DB_CLUSTER} (DBClusterParameterGroupName); family per engine version: https://docs.aws.amazon.com/AmazonRDS/latest/AuroraUserGuide/USER_WorkingWithParamGroups.html`,
        check: (i, ctx) => {
            if (i.engine !== "aurora-postgresql" || !known(i.engineVersion)) return undefined;
            const family = familyBehind("dbClusterParameterGroupName", i, ctx, CLUSTER_PARAMETER_GROUP);
            const want = `aurora-postgresql${majorOf(i.engineVersion)}`;
            return family === undefined || family === want ? undefined : `the cluster parameter group is of family ${family}; engine version ${i.engineVersion} needs ${want}`;
        },
        cases: { pass: [{ dbClusterParameterGroupName: "default.aurora-postgresql16" }], fail: [{ dbClusterParameterGroupName: "default.aurora-postgresql15" }] },
    },
    {
        id: "rds-cluster-performance-insights-retention",
        property: "performanceInsightsRetentionPeriod",
        origin: "aws",
        source: PI_DOC,
        check: (i) => performanceInsightsRetentionProblem(i.performanceInsightsRetentionPeriod),
        cases: { pass: [{ performanceInsightsRetentionPeriod: 93 }], fail: [{ performanceInsightsRetentionPeriod: 30 }] },
    },
    {
        id: "rds-cluster-monitoring",
        property: "monitoringInterval",
        origin: "aws",
        source: `${CREATE_DB_CLUSTER} (MonitoringInterval: 0, 1, 5, 10, 15, 30, 60; MonitoringRoleArn with an interval other than 0)`,
        check: (i) => monitoringIntervalProblem(i.monitoringInterval) ?? (isSet(i.monitoringInterval) || isSet(i.monitoringRoleArn) ? monitoringRoleProblem(i) : undefined),
        cases: { pass: [{ monitoringInterval: 0 }, { monitoringInterval: 30, monitoringRoleArn: "arn:aws:iam::123456789012:role/mon" }], fail: [{ monitoringInterval: 20 }, { monitoringInterval: 60 }] },
    },
    ...tagRules("rds-cluster"),
];

const instanceRules: Rule[] = [
    {
        id: "rds-instance-identifier",
        property: "identifier",
        origin: "provider",
        source: `${TF}/rds/cluster_instance.go (identifier ValidateFunc validIdentifier, ConflictsWith identifier_prefix; identifier_prefix validIdentifierPrefix)`,
        check: (i) => conflict(i, "identifier", ["identifierPrefix"]) ?? identifierProblem(i.identifier) ?? identifierProblem(i.identifierPrefix, { prefix: true }),
        cases: {
            pass: [{ identifier: "mlops-prod-mlflow-2" }, { identifier: undefined, identifierPrefix: "mlops-prod-mlflow-" }],
            fail: [{ identifier: "mlops_prod_1" }, { identifierPrefix: "mlops-" }, { identifier: "mlops-prod-1-" }],
        },
    },
    {
        id: "rds-instance-identifier-length",
        property: "identifier",
        origin: "aws",
        source: "https://docs.aws.amazon.com/AmazonRDS/latest/APIReference/API_CreateDBInstance.html (DBInstanceIdentifier: 1 to 63 letters, numbers, or hyphens)",
        check: (i) => (known(i.identifier) && String(i.identifier).length > 63 ? `${show(i.identifier)} has ${String(i.identifier).length} characters; at most 63 allowed` : undefined),
        cases: { pass: [{ identifier: "a".repeat(63) }], fail: [{ identifier: "a".repeat(64) }] },
    },
    {
        id: "rds-instance-required",
        property: "clusterIdentifier",
        origin: "provider",
        source: `${TF}/rds/cluster_instance.go (cluster_identifier, engine, instance_class Required)`,
        check: (i) => {
            const missing = ["clusterIdentifier", "engine", "instanceClass"].filter((k) => !isSet(i[k]));
            return missing.length ? `required: ${missing.join(", ")}` : undefined;
        },
        cases: { pass: [{}], fail: [{ clusterIdentifier: undefined }, { instanceClass: undefined }] },
    },
    {
        id: "rds-instance-engine",
        property: "engine",
        origin: "provider",
        source: `${TF}/rds/cluster_instance.go (engine StringInSlice clusterInstanceEngine_Values or "custom-" prefix)`,
        check: (i) => (!isSet(i.engine) || ["aurora-mysql", "aurora-postgresql", "mysql", "postgres"].includes(String(i.engine)) || String(i.engine).startsWith("custom-") ? undefined : `engine ${show(i.engine)}; allowed: aurora-mysql, aurora-postgresql, mysql, postgres`),
        cases: { pass: [{ engine: "aurora-postgresql" }], fail: [{ engine: "aurora-postgres" }] },
    },
    {
        id: "rds-instance-class",
        property: "instanceClass",
        origin: "aws",
        // The catalogue is for Aurora PostgreSQL 16; other majors are not judged here.
        source: "https://docs.aws.amazon.com/AmazonRDS/latest/AuroraUserGuide/Concepts.DBInstanceClass.SupportAurora.html (via infra/instanceClasses.ts)",
        check: (i) => (i.engine === "aurora-postgresql" && (!known(i.engineVersion) || majorOf(i.engineVersion) === "16") ? classProblem(i.instanceClass, AURORA_POSTGRES_CLASSES) : undefined),
        cases: { pass: [{ instanceClass: "db.r7g.2xlarge" }, { instanceClass: "db.t4g.medium" }], fail: [{ instanceClass: "db.t3.micro" }, { instanceClass: "db.r7g.huge" }, { instanceClass: "cache.r7g.large" }] },
    },
    {
        id: "rds-instance-promotion-tier",
        property: "promotionTier",
        origin: "aws",
        // The rds provider has no validator here (the docdb one has IntBetween(0, 15)).
        source: "https://docs.aws.amazon.com/AmazonRDS/latest/APIReference/API_CreateDBInstance.html (PromotionTier: Valid Values 0 - 15)",
        check: (i) => (!known(i.promotionTier) || (Number.isInteger(Number(i.promotionTier)) && Number(i.promotionTier) >= 0 && Number(i.promotionTier) <= 15) ? undefined : `promotion tier ${show(i.promotionTier)}; allowed: 0-15`),
        cases: { pass: [{ promotionTier: 15 }, { promotionTier: 0 }], fail: [{ promotionTier: 16 }, { promotionTier: -1 }] },
    },
    {
        id: "rds-instance-performance-insights-retention",
        property: "performanceInsightsRetentionPeriod",
        origin: "provider",
        source: `${TF}/rds/cluster_instance.go (performance_insights_retention_period: 7, 731, or 7-731 divisible by 31); ${PI_DOC}`,
        check: (i) => performanceInsightsRetentionProblem(i.performanceInsightsRetentionPeriod),
        cases: { pass: [{ performanceInsightsRetentionPeriod: 7 }, { performanceInsightsRetentionPeriod: 713 }, { performanceInsightsRetentionPeriod: 731 }], fail: [{ performanceInsightsRetentionPeriod: 30 }, { performanceInsightsRetentionPeriod: 744 }, { performanceInsightsRetentionPeriod: 0 }] },
    },
    {
        id: "rds-instance-performance-insights-kms-key",
        property: "performanceInsightsKmsKeyId",
        origin: "provider",
        source: `${TF}/rds/cluster_instance.go (performance_insights_kms_key_id ValidateFunc verify.ValidARN)`,
        check: (i) => (!known(i.performanceInsightsKmsKeyId) || isArn(i.performanceInsightsKmsKeyId) ? undefined : `performanceInsightsKmsKeyId ${show(i.performanceInsightsKmsKeyId)} is not an ARN`),
        cases: { pass: [{ performanceInsightsKmsKeyId: "arn:aws:kms:us-east-1:123456789012:key/abcd" }], fail: [{ performanceInsightsKmsKeyId: "alias/aws/rds" }] },
    },
    {
        id: "rds-instance-monitoring-interval",
        property: "monitoringInterval",
        origin: "aws",
        source: MONITORING_DOC,
        check: (i) => monitoringIntervalProblem(i.monitoringInterval),
        cases: { pass: [{ monitoringInterval: 1 }, { monitoringInterval: 60 }], fail: [{ monitoringInterval: 45 }, { monitoringInterval: 120 }] },
    },
    {
        id: "rds-instance-monitoring-role",
        property: "monitoringRoleArn",
        origin: "aws",
        source: MONITORING_DOC,
        check: (i) => monitoringRoleProblem(i),
        cases: {
            pass: [{ monitoringInterval: 0, monitoringRoleArn: undefined }],
            fail: [{ monitoringRoleArn: undefined }, { monitoringInterval: 0 }, { monitoringRoleArn: "rds-monitoring" }],
        },
    },
    {
        id: "rds-instance-maintenance-window",
        property: "preferredMaintenanceWindow",
        origin: "provider",
        source: `${TF}/rds/cluster_instance.go (preferred_maintenance_window verify.ValidOnceAWeekWindowFormat); minimum 30 minutes: https://docs.aws.amazon.com/AmazonRDS/latest/APIReference/API_CreateDBInstance.html`,
        // Format (provider) and minimum length (AWS) together: the length cannot be judged without the format.
        check: (i) => weeklyWindowProblem(i.preferredMaintenanceWindow) ?? windowLengthProblem(i.preferredMaintenanceWindow, "weekly"),
        cases: { pass: [{ preferredMaintenanceWindow: "sat:23:45-sun:00:15" }], fail: [{ preferredMaintenanceWindow: "sun:5:00-sun:5:30" }, { preferredMaintenanceWindow: "sun:05:00-sun:05:10" }] },
    },
    {
        id: "rds-instance-parameter-group-matches-engine",
        property: "dbParameterGroupName",
        origin: "aws",
        source: "https://docs.aws.amazon.com/AmazonRDS/latest/AuroraUserGuide/USER_WorkingWithParamGroups.html (a DB parameter group's family must match the engine version)",
        check: (i, ctx) => {
            if (i.engine !== "aurora-postgresql" || !known(i.engineVersion)) return undefined;
            const family = familyBehind("dbParameterGroupName", i, ctx, PARAMETER_GROUP);
            const want = `aurora-postgresql${majorOf(i.engineVersion)}`;
            return family === undefined || family === want ? undefined : `the DB parameter group is of family ${family}; engine version ${i.engineVersion} needs ${want}`;
        },
        cases: { pass: [{ dbParameterGroupName: "default.aurora-postgresql16" }], fail: [{ dbParameterGroupName: "default.aurora-postgresql17" }] },
    },
    ...tagRules("rds-instance"),
];

const parameterGroupRules = (kind: "cluster" | "instance"): Rule[] => {
    const id = kind === "cluster" ? "rds-cluster-parameter-group" : "rds-parameter-group";
    const file = kind === "cluster" ? "cluster_parameter_group.go" : "parameter_group.go";
    return [
        {
            id: `${id}-name`,
            property: "name",
            origin: "provider",
            source: `${TF}/rds/${file} (name ValidateFunc validParamGroupName, ConflictsWith name_prefix); rds/validate.go`,
            check: (i) => conflict(i, "name", ["namePrefix"]) ?? paramGroupNameProblem(i.name, true),
            cases: { pass: [{ name: "mlops-prod-mlflow-aurora-postgresql16.v2" }], fail: [{ name: "Mlops-prod" }, { name: "mlops-prod-" }, { namePrefix: "mlops-" }] },
        },
        {
            id: `${id}-family`,
            property: "family",
            origin: "aws",
            // Required by the provider; the value must be a family AWS offers.
            source: `${TF}/rds/${file} (family Required); families: DescribeDBEngineVersions DBParameterGroupFamily (https://docs.aws.amazon.com/AmazonRDS/latest/AuroraUserGuide/USER_WorkingWithParamGroups.html)`,
            check: (i) => (AURORA_FAMILIES.includes(String(i.family)) ? undefined : `family ${show(i.family)}; allowed: ${AURORA_FAMILIES.join(", ")}`),
            cases: { pass: [{ family: "aurora-postgresql15" }], fail: [{ family: "aurora-postgresql16.6" }, { family: "postgres16x" }, { family: undefined }] },
        },
        {
            id: `${id}-apply-method`,
            property: "parameters",
            origin: kind === "instance" ? "provider" : "aws",
            // parameter_group.go validates apply_method (enum.ValidateIgnoreCase[types.ApplyMethod]);
            // the stored cluster_parameter_group.go does not, but the API's ApplyMethod enum does.
            source: kind === "instance" ? `${TF}/rds/parameter_group.go (parameter.apply_method ValidateIgnoreCase ApplyMethod)` : "https://docs.aws.amazon.com/AmazonRDS/latest/APIReference/API_Parameter.html (ApplyMethod: immediate | pending-reboot)",
            check: (i) => applyMethodProblem(i),
            cases: {
                pass: [{ parameters: [{ name: "log_min_duration_statement", value: "500", applyMethod: "immediate" }] }],
                fail: [{ parameters: [{ name: "log_min_duration_statement", value: "500", applyMethod: "reboot" }] }],
            },
        },
        {
            id: `${id}-parameters`,
            property: "parameters",
            origin: "aws",
            source: PG_PARAMS_SOURCE,
            check: (i) => parameterProblems(i, auroraCatalogue, "immediate"),
            cases: {
                pass: [
                    {
                        parameters: [
                            { name: "shared_preload_libraries", value: "pg_stat_statements", applyMethod: "pending-reboot" },
                            { name: "rds.force_ssl", value: "1", applyMethod: "immediate" },
                            { name: "ssl_min_protocol_version", value: "TLSv1.2", applyMethod: "pending-reboot" },
                        ],
                    },
                ],
                fail: [
                    { parameters: [{ name: "shared_preload_libraries", value: "pg_stat_statements", applyMethod: "immediate" }] },
                    // the default apply method is "immediate"
                    { parameters: [{ name: "shared_preload_libraries", value: "pg_stat_statements" }] },
                    { parameters: [{ name: "rds.force_tls", value: "1", applyMethod: "immediate" }] },
                    { parameters: [{ name: "rds.force_ssl", value: "on", applyMethod: "immediate" }] },
                ],
            },
        },
        ...tagRules(id),
    ];
};

const parameterGroupForceNew = [
    // The bridge defaults description to "Managed by Pulumi" (@pulumi/aws rds/*ParameterGroup.js).
    { property: "description", default: "Managed by Pulumi" },
    { property: "family" },
    identifier("name"),
    identifier("namePrefix"),
];

export const SPECS: ResourceTypeSpec[] = [
    {
        type: "aws:rds/cluster:Cluster",
        stateful: {
            what: "Aurora cluster",
            risk: "a new, empty cluster volume: the database and its automated backups go with the old cluster (a final snapshot is all that is kept, if enabled)",
        },
        source: `${TF}/rds/cluster.go`,
        example: {
            clusterIdentifier: "mlops-prod-mlflow",
            engine: "aurora-postgresql",
            engineMode: "provisioned",
            engineVersion: "16.6",
            allowMajorVersionUpgrade: false,
            masterUsername: "mlflow_admin",
            masterPassword: generated(GOOD_GENERATOR),
            databaseName: "mlflow",
            port: 5432,
            dbSubnetGroupName: "mlops-prod-mlflow",
            vpcSecurityGroupIds: ["sg-0123456789abcdef0"],
            dbClusterParameterGroupName: "mlops-prod-mlflow-aurora-postgresql16",
            storageEncrypted: true,
            kmsKeyId: "arn:aws:kms:us-east-1:123456789012:key/0000example-aurora-key",
            iamDatabaseAuthenticationEnabled: true,
            enabledCloudwatchLogsExports: ["postgresql"],
            copyTagsToSnapshot: true,
            backupRetentionPeriod: 35,
            preferredBackupWindow: "02:00-02:30",
            preferredMaintenanceWindow: "sun:05:00-sun:05:30",
            deletionProtection: true,
            skipFinalSnapshot: false,
            finalSnapshotIdentifier: "mlops-prod-mlflow-final-dbc3803f",
            applyImmediately: false,
            tags: { Name: "mlops-prod-mlflow", ...TAGS },
        },
        rules: clusterRules,
        // Every ForceNew argument of the schema (and storage_type from CustomizeDiff).
        forceNew: [
            identifier("availabilityZones"),
            identifier("clusterIdentifier"),
            identifier("clusterIdentifierPrefix"),
            identifier("clusterScalabilityType"),
            identifier("databaseName"),
            identifier("dbSubnetGroupName"),
            identifier("dbSystemId"),
            { property: "engine" },
            { property: "engineMode", default: "provisioned" },
            identifier("kmsKeyId"),
            identifier("masterUsername"),
            { property: "restoreToPointInTime" },
            // s3_import itself is not ForceNew, but every argument inside it is.
            { property: "s3Import" },
            { property: "snapshotIdentifier", only: namesASnapshot },
            { property: "sourceRegion" },
            identifier("storageEncrypted"),
            {
                property: "storageType",
                only: { when: "the engine is not Aurora (Aurora changes storage type in place)", test: (_b, _a, inputs) => !String(inputs.engine ?? "").startsWith("aurora") },
            },
        ],
    },
    {
        type: "aws:rds/clusterInstance:ClusterInstance",
        stateful: {
            what: "Aurora instance",
            risk: "the instance goes away: its connections drop, a writer fails over and the cluster has less capacity until a new one is up (the data itself lives in the cluster volume)",
        },
        source: `${TF}/rds/cluster_instance.go`,
        example: {
            identifier: "mlops-prod-mlflow-1",
            clusterIdentifier: "mlops-prod-mlflow",
            engine: "aurora-postgresql",
            engineVersion: "16.6",
            instanceClass: "db.r7g.xlarge",
            availabilityZone: "us-east-1a",
            promotionTier: 0,
            dbSubnetGroupName: "mlops-prod-mlflow",
            dbParameterGroupName: "mlops-prod-mlflow-instance-aurora-postgresql16",
            publiclyAccessible: false,
            autoMinorVersionUpgrade: true,
            performanceInsightsEnabled: true,
            performanceInsightsKmsKeyId: "arn:aws:kms:us-east-1:123456789012:key/0000example-aurora-key",
            performanceInsightsRetentionPeriod: 31,
            monitoringInterval: 15,
            monitoringRoleArn: "arn:aws:iam::123456789012:role/mlops-prod-mlflow-rds-monitoring",
            preferredMaintenanceWindow: "sun:05:00-sun:05:30",
            copyTagsToSnapshot: true,
            applyImmediately: false,
            tags: { Name: "mlops-prod-mlflow-1", ...TAGS },
        },
        rules: instanceRules,
        forceNew: [
            identifier("availabilityZone"),
            { property: "clusterIdentifier" },
            { property: "customIamInstanceProfile" },
            identifier("dbSubnetGroupName"),
            { property: "engine" },
            identifier("identifier"),
            identifier("identifierPrefix"),
        ],
    },
    {
        type: "aws:rds/globalCluster:GlobalCluster",
        stateful: {
            what: "Aurora global cluster",
            risk: "the global cluster is recreated: cross-region replication stops and the DR region's secondary has to be rebuilt from scratch",
        },
        source: `${TF}/rds/global_cluster.go`,
        example: {
            globalClusterIdentifier: "mlops-prod-mlflow-global",
            sourceDbClusterIdentifier: "arn:aws:rds:us-east-1:123456789012:cluster:mlops-prod-mlflow",
            deletionProtection: true,
            forceDestroy: true,
            tags: TAGS,
        },
        rules: [
            {
                id: "rds-global-cluster-identifier",
                property: "globalClusterIdentifier",
                origin: "provider",
                source: `${TF}/rds/global_cluster.go (global_cluster_identifier Required, ValidateFunc validIdentifier)`,
                check: (i) => (!isSet(i.globalClusterIdentifier) ? "globalClusterIdentifier is required" : identifierProblem(i.globalClusterIdentifier)),
                cases: { pass: [{ globalClusterIdentifier: "mlops-staging-mlflow-global" }], fail: [{ globalClusterIdentifier: undefined }, { globalClusterIdentifier: "mlops_prod_global" }] },
            },
            {
                id: "rds-global-cluster-engine",
                property: "engine",
                origin: "provider",
                source: `${TF}/rds/global_cluster.go (engine StringInSlice GlobalClusterEngine_Values, ConflictsWith source_db_cluster_identifier)`,
                check: (i) =>
                    conflict(i, "engine", ["sourceDbClusterIdentifier"]) ??
                    (!isSet(i.engine) || ["aurora", "aurora-mysql", "aurora-postgresql"].includes(String(i.engine)) ? undefined : `engine ${show(i.engine)}; allowed: aurora, aurora-mysql, aurora-postgresql`),
                cases: {
                    pass: [{ sourceDbClusterIdentifier: undefined, forceDestroy: undefined, engine: "aurora-postgresql", engineVersion: "16.6" }],
                    fail: [{ engine: "aurora-postgresql" }, { sourceDbClusterIdentifier: undefined, forceDestroy: undefined, engine: "postgres" }],
                },
            },
            {
                id: "rds-global-cluster-force-destroy",
                property: "forceDestroy",
                origin: "provider",
                source: `${TF}/rds/global_cluster.go (source_db_cluster_identifier RequiredWith force_destroy)`,
                check: (i) => (isSet(i.sourceDbClusterIdentifier) && !isSet(i.forceDestroy) ? "sourceDbClusterIdentifier needs forceDestroy set (the provider's RequiredWith)" : undefined),
                cases: { pass: [{ forceDestroy: false }], fail: [{ forceDestroy: undefined }] },
            },
            {
                id: "rds-global-cluster-source-arn",
                property: "sourceDbClusterIdentifier",
                origin: "aws",
                source: "https://docs.aws.amazon.com/AmazonRDS/latest/APIReference/API_CreateGlobalCluster.html (SourceDBClusterIdentifier: the ARN of the primary cluster)",
                check: (i) => (!known(i.sourceDbClusterIdentifier) || /^arn:aws[a-z-]*:rds:[a-z0-9-]+:[0-9]{12}:cluster:.+$/.test(String(i.sourceDbClusterIdentifier)) ? undefined : `sourceDbClusterIdentifier ${show(i.sourceDbClusterIdentifier)} is not a DB cluster ARN`),
                cases: { pass: [{ sourceDbClusterIdentifier: "arn:aws:rds:eu-west-1:123456789012:cluster:x" }], fail: [{ sourceDbClusterIdentifier: "mlops-prod-mlflow" }] },
            },
            {
                id: "rds-global-cluster-engine-required",
                property: "engine",
                origin: "aws",
                // A global cluster created empty needs an engine; the provider
                // defaults to "aurora" (Aurora MySQL 5.6, retired), which AWS refuses today.
                source: `${TF}/rds/global_cluster.go (resourceGlobalClusterCreate: engine defaults to "aurora" without a source); https://docs.aws.amazon.com/AmazonRDS/latest/APIReference/API_CreateGlobalCluster.html`,
                check: (i) => (!isSet(i.sourceDbClusterIdentifier) && (!isSet(i.engine) || i.engine === "aurora") ? `a global cluster without sourceDbClusterIdentifier needs engine aurora-postgresql or aurora-mysql` : undefined),
                cases: { pass: [{ sourceDbClusterIdentifier: undefined, forceDestroy: undefined, engine: "aurora-mysql" }], fail: [{ sourceDbClusterIdentifier: undefined, forceDestroy: undefined }] },
            },
            {
                id: "rds-global-cluster-lifecycle-support",
                property: "engineLifecycleSupport",
                origin: "provider",
                source: `${TF}/rds/global_cluster.go (engine_lifecycle_support StringInSlice engineLifecycleSupport_Values)`,
                check: (i) =>
                    !isSet(i.engineLifecycleSupport) || ["open-source-rds-extended-support", "open-source-rds-extended-support-disabled"].includes(String(i.engineLifecycleSupport))
                        ? undefined
                        : `engine lifecycle support ${show(i.engineLifecycleSupport)}; allowed: open-source-rds-extended-support, open-source-rds-extended-support-disabled`,
                cases: { pass: [{ engineLifecycleSupport: "open-source-rds-extended-support-disabled" }], fail: [{ engineLifecycleSupport: "extended" }] },
            },
            ...tagRules("rds-global-cluster"),
        ],
        // As in the current global_cluster.go (database_name is Optional+Computed there;
        // engine_lifecycle_support is not ForceNew).
        forceNew: [
            identifier("databaseName"),
            identifier("engine"),
            { property: "globalClusterIdentifier" },
            identifier("sourceDbClusterIdentifier"),
            identifier("storageEncrypted"),
        ],
    },
    {
        type: "aws:rds/subnetGroup:SubnetGroup",
        source: `${TF}/rds/subnet_group.go`,
        example: {
            name: "mlops-prod-mlflow",
            description: "Private subnets of Aurora cluster mlops-prod-mlflow",
            subnetIds: ["subnet-0f0d000000000a001", "subnet-0f0d000000000b001", "subnet-0f0d000000000c001"],
            tags: { Name: "mlops-prod-mlflow", ...TAGS },
        },
        rules: [
            {
                id: "rds-subnet-group-name",
                property: "name",
                origin: "provider",
                source: `${TF}/rds/subnet_group.go (name ValidateFunc validSubnetGroupName, ConflictsWith name_prefix); rds/validate.go`,
                check: (i) => conflict(i, "name", ["namePrefix"]) ?? subnetGroupNameProblem(i.name),
                cases: { pass: [{ name: "mlops prod_mlflow.v2" }], fail: [{ name: "Mlops-Prod" }, { name: "default" }, { namePrefix: "mlops-" }] },
            },
            {
                id: "rds-subnet-group-subnets",
                property: "subnetIds",
                origin: "aws",
                // subnet_ids is Required (provider); two zones is AWS's.
                source: `${TF}/rds/subnet_group.go (subnet_ids Required); https://docs.aws.amazon.com/AmazonRDS/latest/APIReference/API_CreateDBSubnetGroup.html`,
                check: (i) => (!Array.isArray(i.subnetIds) ? "subnetIds is required" : subnetCountProblem(i.subnetIds)),
                cases: { pass: [{ subnetIds: ["subnet-a", "subnet-b"] }], fail: [{ subnetIds: ["subnet-a"] }, { subnetIds: undefined }] },
            },
            ...tagRules("rds-subnet-group"),
        ],
        // description is updated in place (ModifyDBSubnetGroup).
        forceNew: [identifier("name"), identifier("namePrefix")],
    },
    {
        type: CLUSTER_PARAMETER_GROUP,
        source: `${TF}/rds/cluster_parameter_group.go`,
        example: {
            name: "mlops-prod-mlflow-aurora-postgresql16",
            family: "aurora-postgresql16",
            description: "Cluster parameters of mlops-prod-mlflow: TLS only, pg_stat_statements, slow statements logged",
            parameters: [
                { name: "rds.force_ssl", value: "1", applyMethod: "immediate" },
                { name: "ssl_min_protocol_version", value: "TLSv1.2", applyMethod: "immediate" },
                { name: "shared_preload_libraries", value: "pg_stat_statements", applyMethod: "pending-reboot" },
                { name: "log_min_duration_statement", value: "1000", applyMethod: "immediate" },
            ],
            tags: TAGS,
        },
        rules: parameterGroupRules("cluster"),
        forceNew: parameterGroupForceNew,
    },
    {
        type: PARAMETER_GROUP,
        source: `${TF}/rds/parameter_group.go`,
        example: {
            name: "mlops-prod-mlflow-instance-aurora-postgresql16",
            family: "aurora-postgresql16",
            description: "Instance parameters of mlops-prod-mlflow",
            tags: TAGS,
        },
        rules: parameterGroupRules("instance"),
        forceNew: parameterGroupForceNew,
    },
];
