/**
 * Provisioned DB instance classes Aurora PostgreSQL 16 offers (AWS documentation,
 * "Supported DB engines for DB instance classes", Aurora PostgreSQL column).
 * Serverless v2 (`db.serverless`) is deliberately absent: it needs a scaling
 * configuration this component does not declare yet.
 */
const FAMILIES: Record<string, readonly string[]> = {
    "db.t4g": ["medium", "large"],
    "db.r5": ["large", "xlarge", "2xlarge", "4xlarge", "8xlarge", "12xlarge", "16xlarge", "24xlarge"],
    "db.r6g": ["large", "xlarge", "2xlarge", "4xlarge", "8xlarge", "12xlarge", "16xlarge"],
    "db.r6gd": ["xlarge", "2xlarge", "4xlarge", "8xlarge", "12xlarge", "16xlarge"],
    "db.r6i": ["large", "xlarge", "2xlarge", "4xlarge", "8xlarge", "12xlarge", "16xlarge", "24xlarge", "32xlarge"],
    "db.r6id": ["xlarge", "2xlarge", "4xlarge", "8xlarge", "12xlarge", "16xlarge", "24xlarge", "32xlarge"],
    "db.r7g": ["large", "xlarge", "2xlarge", "4xlarge", "8xlarge", "12xlarge", "16xlarge"],
    "db.r7i": ["large", "xlarge", "2xlarge", "4xlarge", "8xlarge", "12xlarge", "16xlarge", "24xlarge", "48xlarge"],
    "db.r8g": ["large", "xlarge", "2xlarge", "4xlarge", "8xlarge", "12xlarge", "16xlarge", "24xlarge", "48xlarge"],
    "db.x2g": ["large", "xlarge", "2xlarge", "4xlarge", "8xlarge", "12xlarge", "16xlarge"],
};

export const AURORA_POSTGRES_INSTANCE_CLASSES: ReadonlySet<string> = new Set(
    Object.entries(FAMILIES).flatMap(([family, sizes]) => sizes.map((s) => `${family}.${s}`)),
);

/** A short description of what is allowed, for error messages. */
export const AURORA_POSTGRES_INSTANCE_CLASS_HINT = Object.entries(FAMILIES)
    .map(([family, sizes]) => `${family}.{${sizes.join(",")}}`)
    .join(", ");

/** Burstable classes: fine for dev, but they throttle under sustained load and do not support every feature. */
export function isBurstable(instanceClass: string): boolean {
    return instanceClass.startsWith("db.t");
}
