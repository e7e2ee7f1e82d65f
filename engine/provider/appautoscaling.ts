/**
 * Resource types of the appautoscaling service (Application Auto Scaling). Provider facts from
 * hashicorp/terraform-provider-aws internal/service/appautoscaling/target.go and policy.go; AWS
 * facts from the Application Auto Scaling API reference.
 */
import { tagRules } from "./common";
import { ResourceTypeSpec, TF, known } from "./spec";

const TARGET = `${TF}/appautoscaling/target.go`;
const POLICY = `${TF}/appautoscaling/policy.go`;
const REGISTER_DOC = "https://docs.aws.amazon.com/autoscaling/application/APIReference/API_RegisterScalableTarget.html";
const PUT_POLICY_DOC = "https://docs.aws.amazon.com/autoscaling/application/APIReference/API_PutScalingPolicy.html";

const set = (v: unknown) => v !== undefined && v !== null;
const num = (v: unknown) => (typeof v === "number" && Number.isFinite(v) ? v : undefined);

/** RegisterScalableTarget's pairing of service, dimension and resource id, for the Aurora case this program uses. */
const AURORA_RESOURCE_ID = /^cluster:[a-zA-Z][a-zA-Z0-9-]{0,62}$/;
/** PredefinedMetricType values for Aurora replicas (PredefinedMetricSpecification, API reference). */
const AURORA_METRICS = ["RDSReaderAverageCPUUtilization", "RDSReaderAverageDatabaseConnections"];

export const SPECS: ResourceTypeSpec[] = [
    {
        type: "aws:appautoscaling/target:Target",
        source: TARGET,
        example: {
            serviceNamespace: "rds",
            scalableDimension: "rds:cluster:ReadReplicaCount",
            resourceId: "cluster:mlops-prod-mlflow",
            minCapacity: 2,
            maxCapacity: 5,
            tags: { environment: "prod" },
        },
        rules: [
            {
                id: "appautoscaling-target-required",
                property: "minCapacity",
                origin: "provider",
                source: `${TARGET} (max_capacity, min_capacity, resource_id, scalable_dimension, service_namespace: Required)`,
                check: (i) => {
                    for (const p of ["maxCapacity", "minCapacity", "resourceId", "scalableDimension", "serviceNamespace"]) if (!set(i[p])) return `${p} is required`;
                    return undefined;
                },
                cases: { pass: [{}], fail: [{ maxCapacity: undefined }, { resourceId: undefined }] },
            },
            {
                id: "appautoscaling-target-capacity",
                property: "maxCapacity",
                origin: "aws",
                // MinCapacity and MaxCapacity: 0 or more; "the maximum ... must be greater than or equal to the minimum".
                source: `${REGISTER_DOC} (MinCapacity, MaxCapacity)`,
                check: (i) => {
                    const min = num(i.minCapacity);
                    const max = num(i.maxCapacity);
                    if (min !== undefined && (min < 0 || !Number.isInteger(min))) return `minCapacity ${min} must be a whole number of at least 0`;
                    if (min !== undefined && max !== undefined && max < min) return `maxCapacity ${max} is below minCapacity ${min}`;
                    return undefined;
                },
                cases: { pass: [{ minCapacity: 0, maxCapacity: 0 }], fail: [{ minCapacity: 3, maxCapacity: 2 }, { minCapacity: -1 }] },
            },
            {
                id: "appautoscaling-target-aurora",
                property: "resourceId",
                origin: "aws",
                // For Aurora: ServiceNamespace rds, ScalableDimension rds:cluster:ReadReplicaCount, ResourceId
                // cluster:<DB cluster identifier>; at most 15 replicas in a cluster.
                source: `${REGISTER_DOC} (ResourceId "Aurora DB cluster - The resource type is cluster and the unique identifier is the cluster name"; ScalableDimension rds:cluster:ReadReplicaCount)`,
                check: (i) => {
                    if (i.serviceNamespace !== "rds") return undefined;
                    if (known(i.scalableDimension) && i.scalableDimension !== "rds:cluster:ReadReplicaCount") return `scalableDimension ${JSON.stringify(i.scalableDimension)}; for service rds the only one is rds:cluster:ReadReplicaCount`;
                    if (known(i.resourceId) && !AURORA_RESOURCE_ID.test(String(i.resourceId))) return `resourceId ${JSON.stringify(i.resourceId)} must be cluster:<DB cluster identifier>`;
                    const max = num(i.maxCapacity);
                    if (max !== undefined && max > 15) return `maxCapacity ${max}: an Aurora cluster has at most 15 replicas`;
                    return undefined;
                },
                cases: { pass: [{ resourceId: "cluster:a-1" }], fail: [{ resourceId: "mlops-prod-mlflow" }, { scalableDimension: "rds:instance:Count" }, { maxCapacity: 16 }] },
            },
            ...tagRules("appautoscaling-target"),
        ],
        // resource_id, scalable_dimension, service_namespace: Required, ForceNew; capacities change in place.
        forceNew: [{ property: "resourceId" }, { property: "scalableDimension" }, { property: "serviceNamespace" }],
    },
    {
        type: "aws:appautoscaling/policy:Policy",
        source: POLICY,
        example: {
            name: "mlops-prod-mlflow-readers-cpu",
            policyType: "TargetTrackingScaling",
            serviceNamespace: "rds",
            scalableDimension: "rds:cluster:ReadReplicaCount",
            resourceId: "cluster:mlops-prod-mlflow",
            targetTrackingScalingPolicyConfiguration: {
                predefinedMetricSpecification: { predefinedMetricType: "RDSReaderAverageCPUUtilization" },
                targetValue: 60,
                scaleInCooldown: 300,
                scaleOutCooldown: 300,
                disableScaleIn: false,
            },
        },
        rules: [
            {
                id: "appautoscaling-policy-name",
                property: "name",
                origin: "provider",
                source: `${POLICY} (name: Required, StringLenBetween(0, 255))`,
                check: (i) => (!known(i.name) ? undefined : String(i.name).length > 255 ? `name has ${String(i.name).length} characters; at most 255` : undefined),
                cases: { pass: [{ name: "p" }], fail: [{ name: "p".repeat(256) }] },
            },
            {
                id: "appautoscaling-policy-target-tracking",
                property: "targetTrackingScalingPolicyConfiguration",
                origin: "provider",
                // target_value Required; customized_metric_specification ConflictsWith predefined_metric_specification;
                // resource_label StringLenBetween(0, 1023). AWS: TargetTrackingScaling needs the configuration,
                // and exactly one metric specification.
                source: `${POLICY} (target_tracking_scaling_policy_configuration); ${PUT_POLICY_DOC}`,
                check: (i) => {
                    const c = i.targetTrackingScalingPolicyConfiguration as Record<string, unknown> | undefined;
                    if (i.policyType === "TargetTrackingScaling" && !c) return "policyType TargetTrackingScaling needs targetTrackingScalingPolicyConfiguration";
                    if (!c) return undefined;
                    if (!set(c.targetValue)) return "targetTrackingScalingPolicyConfiguration.targetValue is required";
                    if (set(c.customizedMetricSpecification) && set(c.predefinedMetricSpecification)) return "customizedMetricSpecification and predefinedMetricSpecification are both set; set one";
                    if (!set(c.customizedMetricSpecification) && !set(c.predefinedMetricSpecification)) return "one of customizedMetricSpecification and predefinedMetricSpecification is required";
                    const p = c.predefinedMetricSpecification as Record<string, unknown> | undefined;
                    if (p && typeof p.resourceLabel === "string" && p.resourceLabel.length > 1023) return "predefinedMetricSpecification.resourceLabel: at most 1023 characters";
                    if (p && i.serviceNamespace === "rds" && known(p.predefinedMetricType) && !AURORA_METRICS.includes(String(p.predefinedMetricType))) {
                        return `predefinedMetricType ${JSON.stringify(p.predefinedMetricType)} is not an Aurora replica metric; allowed: ${AURORA_METRICS.join(", ")}`;
                    }
                    return undefined;
                },
                cases: {
                    pass: [{ targetTrackingScalingPolicyConfiguration: { predefinedMetricSpecification: { predefinedMetricType: "RDSReaderAverageDatabaseConnections" }, targetValue: 100 } }],
                    fail: [
                        { targetTrackingScalingPolicyConfiguration: undefined },
                        { targetTrackingScalingPolicyConfiguration: { targetValue: 60 } },
                        { targetTrackingScalingPolicyConfiguration: { predefinedMetricSpecification: { predefinedMetricType: "ECSServiceAverageCPUUtilization" }, targetValue: 60 } },
                    ],
                },
            },
        ],
        // name, resource_id, scalable_dimension, service_namespace: ForceNew.
        forceNew: [{ property: "name" }, { property: "resourceId" }, { property: "scalableDimension" }, { property: "serviceNamespace" }],
    },
];
