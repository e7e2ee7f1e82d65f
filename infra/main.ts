import { loadStackConfig } from "./config";
import { DataPlatform } from "./components/dataPlatform";
import { achievableRpoMinutes } from "./recovery";

/**
 * The program: validate the whole configuration first (a bad value stops the
 * run before any resource exists), then declare the platform and return the
 * stack outputs. Secrets appear only inside `verification`, which is secret.
 */
export function main() {
    const cfg = loadStackConfig();
    const platform = new DataPlatform("platform", cfg);
    const { aurora, documentDb, cache } = platform;
    return {
        environment: cfg.environment,
        region: cfg.region,
        auroraClusterIdentifier: aurora.clusterIdentifier,
        auroraWriterEndpoint: aurora.writerEndpoint,
        auroraReaderEndpoint: aurora.readerEndpoint,
        auroraPort: aurora.port,
        auroraDatabaseName: aurora.databaseName,
        auroraMasterUsername: aurora.masterUsername,
        auroraSecretArn: aurora.secretArn,
        auroraKmsKeyArn: aurora.kmsKeyArn,
        documentDbClusterIdentifier: documentDb.clusterIdentifier,
        documentDbEndpoint: documentDb.endpoint,
        documentDbReaderEndpoint: documentDb.readerEndpoint,
        documentDbPort: documentDb.port,
        documentDbSecretArn: documentDb.secretArn,
        documentDbKmsKeyArn: documentDb.kmsKeyArn,
        cachePrimaryEndpoint: cache.primaryEndpoint,
        cacheReaderEndpoint: cache.readerEndpoint,
        cachePort: cache.port,
        cacheSecretArn: cache.secretArn,
        cacheKmsKeyArn: cache.kmsKeyArn,
        backupVaultArn: platform.backup.vault.arn,
        backupCopyVaultArn: platform.backup.copyVault?.arn,
        // What the stack promises and what its backups achieve, for operators and reviewers.
        recovery: {
            aurora: { ...cfg.recovery.aurora, achievedRpoMinutes: achievableRpoMinutes(cfg, "aurora").minutes },
            documentdb: { ...cfg.recovery.documentdb, achievedRpoMinutes: achievableRpoMinutes(cfg, "documentdb").minutes },
            survivesRegionLoss: cfg.recovery.survivesRegionLoss,
            copyRegion: cfg.backup.copy?.region ?? null,
        },
        verification: platform.verification,
    };
}
