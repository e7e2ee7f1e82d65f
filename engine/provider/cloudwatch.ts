/** Resource types of the cloudwatch service. Sources: each spec's `source`, each rule's. */
import { ResourceTypeSpec } from "./spec";

export const SPECS: ResourceTypeSpec[] = [];
