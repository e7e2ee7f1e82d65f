/**
 * The parts of @pulumi/kubernetes the program uses, each from its own module of the package.
 * Why: @pulumi/kubernetes's index.js requires every API group at load, and with them its
 * yaml, helm and kustomize modules (glob, minimatch ...): about 120 files, 100-200 ms of the
 * offline preview's start (docs/benchmarks/2026-12-03-bench-preview.md), of which the program
 * uses five groups and the provider. The classes are the ones the index re-exports, so type
 * tokens and types are unchanged; a group the program starts to use is added here.
 */
export * as apps from "@pulumi/kubernetes/apps";
export * as batch from "@pulumi/kubernetes/batch";
export * as core from "@pulumi/kubernetes/core";
export * as networking from "@pulumi/kubernetes/networking";
export * as policy from "@pulumi/kubernetes/policy";
export { Provider, type ProviderArgs } from "@pulumi/kubernetes/provider";
export type * as types from "@pulumi/kubernetes/types";
