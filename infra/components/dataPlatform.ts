import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { StackConfig } from "../config";
import { stackTags } from "../tags";
import { CONTRACT_VERSION, VerificationContract, verificationOutput } from "../verification";
import { AuroraPostgres } from "./auroraPostgres";

/**
 * The data tier of one environment: every store and what guards it, built from
 * the validated stack configuration. Later stores (DocumentDB, ElastiCache),
 * backup plans and replication join here.
 */
export class DataPlatform extends pulumi.ComponentResource {
    public readonly aurora: AuroraPostgres;
    /** The verification contract (secret). */
    public readonly verification: pulumi.Output<VerificationContract>;

    constructor(name: string, cfg: StackConfig, opts?: pulumi.ComponentResourceOptions) {
        super("mlops:data:Platform", name, {}, opts);
        const tags = stackTags(cfg);
        const prefix = cfg.namePrefix;
        const network = cfg.network;

        // Instances go to the zones of the configured subnets, looked up rather
        // than configured so that they can never disagree with the subnet group.
        const availabilityZones = network.privateSubnetIds.map(
            (id) => aws.ec2.getSubnetOutput({ id }, { parent: this }).availabilityZone,
        );

        const a = cfg.aurora;
        this.aurora = new AuroraPostgres(
            "aurora",
            {
                clusterIdentifier: `${prefix}-mlflow`,
                engineVersion: a.engineVersion,
                instanceClass: a.instanceClass,
                instances: a.instances,
                availabilityZones,
                databaseName: a.databaseName,
                masterUsername: a.masterUsername,
                port: a.port,
                vpcId: network.vpcId,
                subnetIds: network.privateSubnetIds,
                clientSecurityGroupIds: network.clientSecurityGroupIds,
                clientCidrs: network.clientCidrs,
                backupRetentionDays: a.backupRetentionDays,
                preferredBackupWindow: a.preferredBackupWindow,
                preferredMaintenanceWindow: a.preferredMaintenanceWindow,
                deletionProtection: a.deletionProtection,
                finalSnapshot: a.finalSnapshot,
                performanceInsights: a.performanceInsights,
                monitoringIntervalSeconds: a.monitoringIntervalSeconds,
                slowQueryMs: a.slowQueryMs,
                applyImmediately: a.applyImmediately,
                alarms: a.alarms,
                alarmTopicArn: cfg.alarms.topicArn,
                secretName: `${prefix}/aurora/master`,
                tags,
            },
            { parent: this },
        );

        const pg = this.aurora;
        this.verification = verificationOutput({
            contractVersion: CONTRACT_VERSION,
            stack: pulumi.getStack(),
            environment: cfg.environment,
            region: cfg.region,
            postgres: pulumi.all([pg.writerEndpoint, pg.readerEndpoint, pg.port, pg.masterPassword, pg.secretArn]).apply(
                ([writer, reader, port, password, secretArn]) => ({
                    writer,
                    reader: a.instances > 1 ? reader : null,
                    port,
                    database: a.databaseName,
                    username: a.masterUsername,
                    password,
                    engineMajor: Number(a.engineVersion.split(".")[0]),
                    tlsRequired: pg.parameters["rds.force_ssl"] === "1",
                    readers: a.instances - 1,
                    parameters: pg.parameters,
                    secretArn,
                }),
            ),
        });

        this.registerOutputs({ verification: this.verification });
    }
}
