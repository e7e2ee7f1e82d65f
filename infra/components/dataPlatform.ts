import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { StackConfig } from "../config";
import { stackTags } from "../tags";
import { CONTRACT_VERSION, VerificationContract, verificationOutput } from "../verification";
import { AuroraPostgres } from "./auroraPostgres";
import { BackupPlan } from "./backupPlan";
import { DocumentDb } from "./documentDb";
import { RedisCache } from "./redisCache";

/**
 * The data tier of one environment: every store and what guards it, built from
 * the validated stack configuration. Backup plans and replication join here.
 */
export class DataPlatform extends pulumi.ComponentResource {
    public readonly aurora: AuroraPostgres;
    public readonly documentDb: DocumentDb;
    public readonly cache: RedisCache;
    public readonly backup: BackupPlan;
    /** The verification contract (secret). */
    public readonly verification: pulumi.Output<VerificationContract>;

    constructor(name: string, cfg: StackConfig, opts?: pulumi.ComponentResourceOptions) {
        super("mlops:data:Platform", name, {}, opts);
        const tags = stackTags(cfg);
        const prefix = cfg.namePrefix;
        const net = cfg.network;
        // Every store gets the same network placement and the same clients.
        const network = {
            vpcId: net.vpcId,
            subnetIds: net.privateSubnetIds,
            clientSecurityGroupIds: net.clientSecurityGroupIds,
            clientCidrs: net.clientCidrs,
            // Looked up rather than configured, so that placement can never disagree with the subnet groups.
            availabilityZones: net.privateSubnetIds.map((id) => aws.ec2.getSubnetOutput({ id }, { parent: this }).availabilityZone),
        };
        const common = { ...network, alarmTopicArn: cfg.alarms.topicArn, tags };

        const { alarms: auroraAlarms, mlflowSchemaRevision, ...a } = cfg.aurora;
        this.aurora = new AuroraPostgres(
            "aurora",
            { ...common, ...a, alarms: auroraAlarms, clusterIdentifier: `${prefix}-mlflow`, secretName: `${prefix}/aurora/master` },
            { parent: this },
        );

        this.documentDb = new DocumentDb(
            "documentdb",
            { ...common, ...cfg.documentdb, clusterIdentifier: `${prefix}-docs`, secretName: `${prefix}/documentdb/master` },
            { parent: this },
        );

        this.cache = new RedisCache(
            "cache",
            { ...common, ...cfg.redis, replicationGroupId: `${prefix}-cache`, secretName: `${prefix}/cache/auth` },
            { parent: this },
        );

        const b = cfg.backup;
        this.backup = new BackupPlan(
            "backup",
            {
                namePrefix: prefix,
                breakGlassRoleArn: b.breakGlassRoleArn,
                resources: [this.aurora.cluster.arn, this.documentDb.cluster.arn],
                continuousResources: [this.aurora.cluster.arn],
                schedule: b.schedule,
                startWindowMinutes: b.startWindowMinutes,
                completionWindowMinutes: b.completionWindowMinutes,
                deleteAfterDays: b.deleteAfterDays,
                continuous: b.continuous,
                copy: b.copy,
                vaultLock: b.vaultLock,
                tags,
            },
            { parent: this },
        );

        const pg = this.aurora;
        const docs = this.documentDb;
        const cache = this.cache;
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
                    alembicRevision: mlflowSchemaRevision ?? null,
                }),
            ),
            documentdb: pulumi.all([docs.endpoint, docs.readerEndpoint, docs.port, docs.masterPassword, docs.secretArn]).apply(
                ([endpoint, readerEndpoint, port, password, secretArn]) => ({
                    endpoint,
                    readerEndpoint,
                    port,
                    username: cfg.documentdb.masterUsername,
                    password,
                    instances: cfg.documentdb.instances,
                    tlsRequired: docs.tlsRequired,
                    secretArn,
                }),
            ),
            redis: pulumi.all([cache.primaryEndpoint, cache.readerEndpoint, cache.port, cache.authToken, cache.secretArn]).apply(
                ([primary, reader, port, authToken, secretArn]) => ({
                    primary,
                    reader: cfg.redis.nodes > 1 ? reader : null,
                    port,
                    authToken,
                    replicas: cfg.redis.nodes - 1,
                    tlsRequired: cache.tlsRequired,
                    secretArn,
                }),
            ),
        });

        this.registerOutputs({ verification: this.verification });
    }
}
