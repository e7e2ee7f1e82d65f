/** Every resource type the engine knows, from the per-service files. */
import { SPECS as appautoscaling } from "./appautoscaling";
import { SPECS as backup } from "./backup";
import { SPECS as cloudwatch } from "./cloudwatch";
import { SPECS as docdb } from "./docdb";
import { SPECS as ec2 } from "./ec2";
import { SPECS as elasticache } from "./elasticache";
import { SPECS as iam } from "./iam";
import { SPECS as kms } from "./kms";
import { SPECS as kubernetes } from "./kubernetes";
import { SPECS as pulumi } from "./pulumi";
import { SPECS as random } from "./random";
import { SPECS as rds } from "./rds";
import { SPECS as secretsmanager } from "./secretsmanager";
import { SPECS as sns } from "./sns";
import type { ResourceTypeSpec } from "./spec";

export const SPECS: ResourceTypeSpec[] = [
    ...appautoscaling,
    ...backup,
    ...cloudwatch,
    ...docdb,
    ...ec2,
    ...elasticache,
    ...iam,
    ...kms,
    ...kubernetes,
    ...pulumi,
    ...random,
    ...rds,
    ...secretsmanager,
    ...sns,
];
