/**
 * The incident types the operations guide names, the runbook of each, and
 * every kind of alarm the stacks declare: which incident it detects, which
 * section of that runbook it links, and its severity band. One place for
 * these facts: the alarm components read them, the tests check every link
 * against the runbooks' headings, and docs/operations.md points here.
 */
import type { Severity } from "./schema/alarms";
import { ALARM_TAG_KEYS } from "./tags";

export const INCIDENT_TYPES = [
    "lock-contention",
    "storage-exhaustion",
    "replication-lag",
    "connection-exhaustion",
    "transaction-id-wraparound",
    "slow-queries",
] as const;
export type IncidentType = (typeof INCIDENT_TYPES)[number];

/** Where the runbooks live, relative to the repository root. */
export const INCIDENT_RUNBOOK_DIR = "docs/runbooks/incidents";

export function runbookPath(incident: IncidentType): string {
    return `${INCIDENT_RUNBOOK_DIR}/${incident}.md`;
}

export interface AlarmKind {
    incident: IncidentType;
    /** The runbook heading's anchor (GitHub's slug of a "### ..." heading under "Detection"). */
    anchor: string;
    severity: Severity;
}

/**
 * Every alarm kind. Severities follow the guide's bands: Sev 1 where the store
 * is about to stop taking writes (transaction-ID wraparound shuts writes down)
 * or new connections (an instance at its max_connections refuses them);
 * Sev 2 for degradation a user notices (saturation, lag, connections, a root
 * cause named by a composite alarm); Sev 3 for symptoms that are minor alone
 * (one deadlock burst, slow statements, cache host CPU, evictions); Sev 4 for
 * capacity trends (volume growth).
 */
export const ALARM_KINDS = {
    cpu: { incident: "slow-queries", anchor: "cpu", severity: "sev2" },
    "freeable-memory": { incident: "storage-exhaustion", anchor: "freeable-memory", severity: "sev2" },
    "free-local-storage": { incident: "storage-exhaustion", anchor: "free-local-storage", severity: "sev2" },
    "volume-growth": { incident: "storage-exhaustion", anchor: "volume-growth", severity: "sev4" },
    connections: { incident: "connection-exhaustion", anchor: "connections", severity: "sev2" },
    "connections-limit": { incident: "connection-exhaustion", anchor: "connections-limit", severity: "sev1" },
    "replica-lag": { incident: "replication-lag", anchor: "replica-lag", severity: "sev2" },
    "global-lag": { incident: "replication-lag", anchor: "global-lag", severity: "sev2" },
    deadlocks: { incident: "lock-contention", anchor: "deadlocks", severity: "sev3" },
    "lock-contention": { incident: "lock-contention", anchor: "composite-lock-contention", severity: "sev2" },
    "transaction-ids-warning": { incident: "transaction-id-wraparound", anchor: "transaction-ids", severity: "sev2" },
    "transaction-ids-critical": { incident: "transaction-id-wraparound", anchor: "transaction-ids", severity: "sev1" },
    "slow-statements": { incident: "slow-queries", anchor: "slow-statements", severity: "sev3" },
    "cache-cpu": { incident: "slow-queries", anchor: "cache-cpu", severity: "sev3" },
    "cache-engine-cpu": { incident: "slow-queries", anchor: "cache-cpu", severity: "sev2" },
    "cache-memory": { incident: "storage-exhaustion", anchor: "cache-memory", severity: "sev3" },
    "cache-evictions": { incident: "storage-exhaustion", anchor: "cache-memory", severity: "sev3" },
    "cache-memory-pressure": { incident: "storage-exhaustion", anchor: "composite-cache-memory-pressure", severity: "sev2" },
    "cache-replication-lag": { incident: "replication-lag", anchor: "replica-lag", severity: "sev2" },
    "cache-global-lag": { incident: "replication-lag", anchor: "global-lag", severity: "sev2" },
} as const satisfies Record<string, AlarmKind>;
export type AlarmKindName = keyof typeof ALARM_KINDS;

/** The link an alarm's description carries: the runbook section, under the configured base URL when there is one. */
export function runbookLink(kind: AlarmKindName, baseUrl: string | undefined): string {
    const k: AlarmKind = ALARM_KINDS[kind];
    return `${baseUrl ?? ""}${runbookPath(k.incident)}#${k.anchor}`;
}

/** Tags every alarm carries (infra/tags.ts ALARM_TAG_KEYS): its band, and the incident type it detects. */
export const [SEVERITY_TAG, INCIDENT_TAG] = ALARM_TAG_KEYS;
