/**
 * Which policies make up which pack. The pack programs (policy/<pack>/index.ts)
 * serve these lists; the offline evaluation finds the packs by the same names.
 */
import { Policies } from "@pulumi/policy";
import { alarmsHaveActions } from "./alarmActions";
import { credentialsNotPlaintext, iamDatabaseAuthentication } from "./authentication";
import { awsBackupCoverage, awsBackupCrossRegionCopy } from "./awsBackup";
import { backupRetentionMinimum } from "./backupRetention";
import { backupVaultsUseCmk, kmsKeyRotation, logGroupsUseCmk, performanceInsightsCmk, secretsUseCmk } from "./customerManagedKeys";
import { deletionProtection, finalSnapshot } from "./deletionSafety";
import { storageEncryptedWithCmk } from "./encryptionAtRest";
import { globalClusterRequired, globalClusterTopology } from "./globalClusters";
import { instanceClassAllowlist } from "./instanceClasses";
import { databaseLogExports, databaseLoggingParameters } from "./logging";
import { autoMinorVersionUpgrade, copyTagsToSnapshots } from "./maintenance";
import { multiAz } from "./multiAz";
import { databaseIngressBySecurityGroup, noDatabasePortOpenToInternet, noPublicDatabaseInstances, securityGroupRulesDescribed } from "./network";
import { requiredTags } from "./tags";
import { auroraTlsEnforced, documentDbTlsEnforced, redisTlsAndAuth } from "./tlsInTransit";
import { backupAndMaintenanceWindows, backupWindowsStaggered } from "./windows";

export const SECURITY_PACK = "mlops-data-security";
export const RESILIENCE_PACK = "mlops-data-resilience";

/** Who can read the data, over what, and who can tell: encryption, TLS, network, authentication, logging, credentials, tags. */
export const SECURITY_POLICIES: Policies = [
    storageEncryptedWithCmk,
    kmsKeyRotation,
    performanceInsightsCmk,
    secretsUseCmk,
    logGroupsUseCmk,
    backupVaultsUseCmk,
    auroraTlsEnforced,
    documentDbTlsEnforced,
    redisTlsAndAuth,
    noPublicDatabaseInstances,
    noDatabasePortOpenToInternet,
    databaseIngressBySecurityGroup,
    securityGroupRulesDescribed,
    iamDatabaseAuthentication,
    databaseLogExports,
    databaseLoggingParameters,
    credentialsNotPlaintext,
    requiredTags,
];

/** Whether the data survives: backups, windows, deletion safety, zones, regions, upgrades, sizing. */
export const RESILIENCE_POLICIES: Policies = [
    backupRetentionMinimum,
    backupAndMaintenanceWindows,
    backupWindowsStaggered,
    deletionProtection,
    finalSnapshot,
    multiAz,
    awsBackupCoverage,
    awsBackupCrossRegionCopy,
    globalClusterTopology,
    globalClusterRequired,
    copyTagsToSnapshots,
    autoMinorVersionUpgrade,
    instanceClassAllowlist,
    alarmsHaveActions,
];
