/**
 * Instance classes and node types each managed engine offers, per the AWS
 * documentation's "supported instance classes" tables. Config validation uses
 * them so that a typo or an unsupported class fails before anything is created,
 * not twenty minutes into an `up`.
 */

/** A catalogue of classes: family prefix to sizes. */
type Catalogue = Record<string, readonly string[]>;

export interface ClassCatalogue {
    /** What the classes are for, for messages, e.g. "Aurora PostgreSQL 16". */
    engine: string;
    classes: ReadonlySet<string>;
    /** A compact list of what is allowed, for error messages. */
    hint: string;
}

function catalogue(engine: string, families: Catalogue): ClassCatalogue {
    return {
        engine,
        classes: new Set(Object.entries(families).flatMap(([family, sizes]) => sizes.map((s) => `${family}.${s}`))),
        hint: Object.entries(families)
            .map(([family, sizes]) => `${family}.{${sizes.join(",")}}`)
            .join(", "),
    };
}

const R_TO_16 = ["large", "xlarge", "2xlarge", "4xlarge", "8xlarge", "12xlarge", "16xlarge"] as const;
const R_TO_24 = [...R_TO_16, "24xlarge"] as const;
const R_TO_48 = [...R_TO_24, "48xlarge"] as const;
const D_TO_16 = R_TO_16.slice(1);

/**
 * Provisioned classes for Aurora PostgreSQL 16. Serverless v2 (`db.serverless`)
 * is deliberately absent: it needs a scaling configuration not declared yet.
 */
export const AURORA_POSTGRES_CLASSES = catalogue("Aurora PostgreSQL 16", {
    "db.t4g": ["medium", "large"],
    "db.r5": R_TO_24,
    "db.r6g": R_TO_16,
    "db.r6gd": D_TO_16,
    "db.r6i": [...R_TO_24, "32xlarge"],
    "db.r6id": [...D_TO_16, "24xlarge", "32xlarge"],
    "db.r7g": R_TO_16,
    "db.r7i": R_TO_48,
    "db.r8g": R_TO_48,
    "db.x2g": R_TO_16,
});

/** Instance classes for Amazon DocumentDB 5.0 (instance-based clusters). */
export const DOCUMENTDB_CLASSES = catalogue("Amazon DocumentDB 5.0", {
    "db.t3": ["medium"],
    "db.t4g": ["medium"],
    "db.r5": R_TO_24,
    "db.r6g": R_TO_16,
    "db.r6gd": D_TO_16,
});

/** Node types for ElastiCache (Valkey and Redis OSS), current generations. */
export const ELASTICACHE_NODE_TYPES = catalogue("ElastiCache", {
    "cache.t4g": ["micro", "small", "medium"],
    "cache.t3": ["micro", "small", "medium"],
    "cache.m5": R_TO_24,
    "cache.m6g": R_TO_16,
    "cache.m7g": R_TO_16,
    "cache.r5": R_TO_24,
    "cache.r6g": R_TO_16,
    "cache.r6gd": D_TO_16,
    "cache.r7g": R_TO_16,
});

/**
 * Nominal memory (GiB) of an Aurora PostgreSQL instance class of the catalogue above, from the family's
 * memory per vCPU and the size's vCPUs (EC2's naming: large = 2 vCPUs, xlarge = 4, Nxlarge = 4N); the
 * burstable t4g classes by name. Source: "Supported DB engines for DB instance classes" / "Hardware
 * specifications for DB instance classes for Aurora" (AWS Aurora User Guide): the memory-optimised R
 * families have 8 GiB per vCPU, the X families 16 GiB; db.t4g.medium 4 GiB, db.t4g.large 8 GiB.
 */
export function auroraInstanceMemoryGiB(instanceClass: string): number {
    const burstable: Record<string, number> = { "db.t4g.medium": 4, "db.t4g.large": 8 };
    if (burstable[instanceClass] !== undefined) return burstable[instanceClass];
    const m = /^db\.([a-z]\w*)\.(large|xlarge|(\d+)xlarge)$/.exec(instanceClass);
    if (!m || !AURORA_POSTGRES_CLASSES.classes.has(instanceClass)) {
        throw new Error(`no memory figure for Aurora PostgreSQL instance class ${JSON.stringify(instanceClass)}; allowed: ${AURORA_POSTGRES_CLASSES.hint}`);
    }
    const vcpus = m[2] === "large" ? 2 : m[2] === "xlarge" ? 4 : 4 * Number(m[3]);
    return vcpus * (m[1].startsWith("x") ? 16 : 8);
}

/**
 * Aurora PostgreSQL's default max_connections for an instance class: LEAST({DBInstanceClassMemory/9531392}, 5000)
 * ("Maximum connections to an Aurora PostgreSQL DB instance", Aurora User Guide; its table gives, for
 * example, 1600 for db.r4.large's 15.25 GiB, computed with the memory in decimal gigabytes, and 5000 from
 * 2xlarge up). Computed here from the class's nominal memory in bytes (GiB x 2^30): an upper bound,
 * because DBInstanceClassMemory is the memory left after what RDS reserves for the operating system and
 * its own processes, which AWS does not publish per class (not checkable here). The program sets no
 * max_connections of its own (infra/components/auroraPostgres.ts createParameterGroups), so the default holds.
 */
export function auroraDefaultMaxConnections(instanceClass: string): number {
    const bytes = auroraInstanceMemoryGiB(instanceClass) * 2 ** 30;
    return Math.min(Math.floor(bytes / 9_531_392), 5000);
}
