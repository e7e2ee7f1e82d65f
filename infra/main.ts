import * as pulumi from "@pulumi/pulumi";
import { ConfigError, DrStackConfig, PrimaryStackConfig, loadStackConfig } from "./config";
import { DataPlatform } from "./components/dataPlatform";
import { readHandoff } from "./handoff";
import { PlatformPlan, drPlan, drProblems, primaryPlan } from "./platformPlan";
import { achievableRpoMinutes } from "./recovery";

/**
 * The program: validate the whole configuration first (a bad value stops the
 * run before any resource exists), then declare the platform and return the
 * stack outputs. Secrets appear only inside `verification` and `drHandoff`,
 * which are secret.
 */
export async function main(): Promise<Record<string, unknown>> {
    const cfg = loadStackConfig();
    return cfg.kind === "dr" ? drMain(cfg) : platformOutputs(primaryPlan(cfg), cfg);
}

/**
 * The dr stack: read the primary's handoff (from the state backend, never from
 * the primary region), validate the mode against it, then declare the DR region.
 */
async function drMain(cfg: DrStackConfig): Promise<Record<string, unknown>> {
    const { handoff, secrets } = await readHandoff(cfg.dr.primaryStack);
    const problems = drProblems(cfg, handoff);
    if (problems.length > 0) throw new ConfigError(problems);
    const outputs = platformOutputs(drPlan(cfg, handoff, secrets));
    return {
        ...outputs,
        drMode: cfg.dr.mode,
        primaryStack: handoff.primaryStack,
        primaryRegion: handoff.primaryRegion,
        // For the runbook's failover commands, which must not need the primary region.
        auroraGlobalClusterIdentifier: handoff.aurora.globalClusterIdentifier,
        documentDbGlobalClusterIdentifier: handoff.documentdb.globalClusterIdentifier,
        cacheGlobalReplicationGroupId: handoff.redis.globalReplicationGroupId,
    };
}

function platformOutputs(plan: PlatformPlan, primary?: PrimaryStackConfig): Record<string, unknown> {
    const platform = new DataPlatform("platform", plan);
    const { aurora, documentDb, cache, backup } = platform;
    const outputs: Record<string, unknown> = {
        environment: plan.environment,
        region: plan.region,
        role: plan.role,
        auroraClusterIdentifier: aurora.clusterIdentifier,
        // By ARN too: a rebuild of prod names the DR cluster serving by it (replication.rebuilds).
        auroraClusterArn: aurora.cluster.arn,
        auroraWriterEndpoint: aurora.writerEndpoint,
        auroraReaderEndpoint: aurora.readerEndpoint,
        auroraPort: aurora.port,
        auroraDatabaseName: aurora.databaseName,
        auroraMasterUsername: aurora.masterUsername,
        auroraSecretArn: aurora.secretArn,
        auroraKmsKeyArn: aurora.kmsKeyArn,
        documentDbClusterIdentifier: documentDb.clusterIdentifier,
        documentDbClusterArn: documentDb.cluster.arn,
        documentDbEndpoint: documentDb.endpoint,
        documentDbReaderEndpoint: documentDb.readerEndpoint,
        documentDbPort: documentDb.port,
        documentDbSecretArn: documentDb.secretArn,
        documentDbKmsKeyArn: documentDb.kmsKeyArn,
        cachePrimaryEndpoint: cache?.primaryEndpoint,
        cacheReaderEndpoint: cache?.readerEndpoint,
        cachePort: cache?.port,
        cacheSecretArn: cache?.secretArn,
        cacheKmsKeyArn: cache?.kmsKeyArn,
        backupVaultArn: backup?.vault.arn,
        backupCopyVaultArn: backup?.copyVault?.arn,
        auroraGlobalClusterIdentifier: platform.globalClusterIdentifiers?.aurora,
        documentDbGlobalClusterIdentifier: platform.globalClusterIdentifiers?.documentdb,
        verification: platform.verification,
        drHandoff: platform.drHandoff,
    };
    if (primary) {
        // What the stack promises and what its backups achieve, for operators and reviewers.
        outputs.recovery = {
            aurora: { ...primary.recovery.aurora, achievedRpoMinutes: achievableRpoMinutes(primary, "aurora").minutes },
            documentdb: { ...primary.recovery.documentdb, achievedRpoMinutes: achievableRpoMinutes(primary, "documentdb").minutes },
            survivesRegionLoss: primary.recovery.survivesRegionLoss,
            copyRegion: primary.backup.copy?.region ?? null,
        };
    }
    // Undefined outputs (stores a stack does not have) are left out rather than exported as null.
    return Object.fromEntries(Object.entries(outputs).filter(([, v]) => v !== undefined)) as Record<string, pulumi.Input<unknown>>;
}
