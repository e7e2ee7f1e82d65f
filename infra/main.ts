import { loadStackConfig } from "./config";
import { DataPlatform } from "./components/dataPlatform";

/**
 * The program: validate the whole configuration first (a bad value stops the
 * run before any resource exists), then declare the platform and return the
 * stack outputs.
 */
export function main() {
    const cfg = loadStackConfig();
    const platform = new DataPlatform("platform", cfg);
    const aurora = platform.aurora;
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
        verification: platform.verification,
    };
}
