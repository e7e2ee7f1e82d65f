/**
 * Which policies make up which pack. The pack programs (policy/<pack>/index.ts)
 * serve these lists; the offline evaluation finds the packs by the same names.
 */
import { Policies } from "@pulumi/policy";
import { alarmsHaveActions } from "./alarmActions";
import { credentialRotation, credentialsNotPlaintext, iamDatabaseAuthentication } from "./authentication";
import { awsBackupCoverage, awsBackupCrossRegionCopy } from "./awsBackup";
import { backupRetentionMinimum } from "./backupRetention";
import { backupVaultAccessPolicy, backupVaultLock } from "./backupVaults";
import { backupVaultsUseCmk, kmsKeyRotation, logGroupsUseCmk, performanceInsightsCmk, secretsUseCmk } from "./customerManagedKeys";
import { deletionProtection, finalSnapshot } from "./deletionSafety";
import { storageEncryptedWithCmk } from "./encryptionAtRest";
import { globalClusterRequired, globalClusterTopology } from "./globalClusters";
import { instanceClassAllowlist } from "./instanceClasses";
import { kmsKeyPolicy } from "./keyPolicies";
import { KUBERNETES_POLICIES } from "./kubernetesWorkloads";
import { databaseLogExports, databaseLoggingParameters } from "./logging";
import { autoMinorVersionUpgrade, copyTagsToSnapshots } from "./maintenance";
import { enhancedMonitoring, logGroupRetention, performanceInsights } from "./monitoring";
import { multiAz } from "./multiAz";
import {
    dataStoreNoInternetAccess,
    databaseIngressBySecurityGroup,
    noDatabasePortOpenToInternet,
    noPublicDatabaseInstances,
    securityGroupRulesDescribed,
    securityGroupsAttached,
    cacheSubnetGroup,
    noSplitRuleManagement,
} from "./network";
import { snapshotsEncryptedWithCmk, snapshotsNotShared } from "./snapshots";
import { snsTopicPolicies } from "./snsTopicPolicies";
import { requiredTags } from "./tags";
import { auroraTlsEnforced, documentDbTlsEnforced, rdsCaCertificate, redisTlsAndAuth } from "./tlsInTransit";
import { backupAndMaintenanceWindows, backupWindowsStaggered } from "./windows";

export const SECURITY_PACK = "mlops-data-security";
export const RESILIENCE_PACK = "mlops-data-resilience";

/** Who can read the data, over what, and who can tell: encryption, TLS, network, authentication, logging, credentials, tags, and the Kubernetes pods that hold the credentials. */
export const SECURITY_POLICIES: Policies = [
    storageEncryptedWithCmk,
    kmsKeyRotation,
    kmsKeyPolicy,
    performanceInsightsCmk,
    secretsUseCmk,
    logGroupsUseCmk,
    backupVaultsUseCmk,
    snsTopicPolicies,
    auroraTlsEnforced,
    documentDbTlsEnforced,
    redisTlsAndAuth,
    rdsCaCertificate,
    noPublicDatabaseInstances,
    noDatabasePortOpenToInternet,
    databaseIngressBySecurityGroup,
    securityGroupRulesDescribed,
    dataStoreNoInternetAccess,
    securityGroupsAttached,
    cacheSubnetGroup,
    noSplitRuleManagement,
    snapshotsNotShared,
    snapshotsEncryptedWithCmk,
    iamDatabaseAuthentication,
    databaseLogExports,
    databaseLoggingParameters,
    credentialsNotPlaintext,
    credentialRotation,
    enhancedMonitoring,
    performanceInsights,
    logGroupRetention,
    requiredTags,
    ...KUBERNETES_POLICIES,
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
    backupVaultLock,
    backupVaultAccessPolicy,
    globalClusterTopology,
    globalClusterRequired,
    copyTagsToSnapshots,
    autoMinorVersionUpgrade,
    instanceClassAllowlist,
    alarmsHaveActions,
];
