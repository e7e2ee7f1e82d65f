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
