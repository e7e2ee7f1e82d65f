/** Resource types of the ec2 service. Sources: each spec's `source`, each rule's. */
import { ResourceTypeSpec } from "./spec";

export const SPECS: ResourceTypeSpec[] = [];
