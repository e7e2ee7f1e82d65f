/**
 * The parts of @pulumi/aws this program and its policy rules use, each taken from its own
 * module of the package instead of its index. Why: @pulumi/aws's index.js requires every one
 * of its service modules at load (about 260 of them, each defining its lazy classes and
 * registering its resource modules), which cost the offline preview 180-290 ms per process
 * (docs/benchmarks/2026-12-03-bench-preview.md) while the program uses 13 services. The classes
 * are the very ones the index would hand out (its `exports.rds = require("./rds")` and so on),
 * so types, type tokens and `instanceof` are unchanged. Import this module as `aws` where the
 * index was imported; a service the program starts to use is added here.
 *
 * One thing the index does that this does not: `registerResourcePackage("aws", ...)`, which
 * only matters when the SDK deserializes a reference to an aws *provider* resource from a
 * resource's outputs; the program passes providers as resource options (serialized as
 * "urn::id" strings, never as references), so nothing here reads one.
 */
export * as appautoscaling from "@pulumi/aws/appautoscaling";
export * as backup from "@pulumi/aws/backup";
export * as cloudwatch from "@pulumi/aws/cloudwatch";
export * as docdb from "@pulumi/aws/docdb";
export * as ec2 from "@pulumi/aws/ec2";
export * as elasticache from "@pulumi/aws/elasticache";
export * as iam from "@pulumi/aws/iam";
export * as kms from "@pulumi/aws/kms";
export * as rds from "@pulumi/aws/rds";
export * as secretsmanager from "@pulumi/aws/secretsmanager";
export * as sns from "@pulumi/aws/sns";
export * as vpc from "@pulumi/aws/vpc";
export { Provider, type ProviderArgs } from "@pulumi/aws/provider";
export { getCallerIdentityOutput } from "@pulumi/aws/getCallerIdentity";
export { getPartitionOutput } from "@pulumi/aws/getPartition";
export { getRegionOutput } from "@pulumi/aws/getRegion";
export type { Region } from "@pulumi/aws/types/enums";
export type * as types from "@pulumi/aws/types";
