/**
 * Evaluates stacks under the offline engine, runs the policy packs over each,
 * and turns the result into plans. A stack whose configuration is invalid is
 * reported with the program's own message (bad input), not a stack trace.
 */
import { ConfigError } from "../infra/config";
import { PolicyTransport, evaluatePolicies } from "../policy/offline/evaluate";
import { StackEvaluation, StackEvaluationError, evaluateStack } from "../engine/mockEngine";
import { Plan, buildPlan } from "../engine/plan";
import { checkResources, formatViolation } from "../engine/provider/check";
import { StackFileError, readStackFile } from "../engine/stackFile";

export interface StackOutcome {
    stack: string;
    evaluation?: StackEvaluation;
    plan?: Plan;
    /**
     * "input": the stack file or its configuration is invalid (exit 2);
     * "provider": a resource breaks a provider or AWS rule, which `pulumi preview` or `pulumi up` would refuse (exit 2);
     * "program": the program failed.
     */
    failure?: { kind: "input" | "provider" | "program"; message: string };
}

export interface EvaluateStacksOptions {
    /** Stack files from here; default stacks/. */
    stacksDir?: string;
    /** The program; default infra/main. */
    program?: () => Record<string, unknown> | Promise<Record<string, unknown>>;
    /** Run the policy packs (how), or not at all (a plan made only to diff against). */
    policies: { transport: PolicyTransport } | false;
    /**
     * Apply the provider's and AWS's rules (engine/provider/) to every resource, and fail the
     * stack as `pulumi preview` would on a violation. Default true; a base revision's plans,
     * made only to diff against, are not judged.
     */
    providerRules?: boolean;
}

/** True for errors that come from the stack's configuration rather than from the program. */
function isInputError(e: unknown): boolean {
    // A program of another revision has its own ConfigError class: recognise it by name.
    return e instanceof ConfigError || e instanceof StackFileError || (e instanceof Error && e.name === "ConfigError");
}

export async function evaluateStacks(stacks: string[], options: EvaluateStacksOptions): Promise<StackOutcome[]> {
    const evaluated = new Map<string, StackEvaluation>();
    const outcomes: StackOutcome[] = [];
    for (const stack of stacks) {
        try {
            const stackConfig = readStackFile(stack, options.stacksDir);
            const evaluation =
                evaluated.get(stack) ??
                (await evaluateStack(stack, { stackConfig, stacksDir: options.stacksDir, program: options.program, evaluated, captureStackTraces: false }));
            evaluated.set(stack, evaluation);
            const unjudged = buildPlan(evaluation, stackConfig, null);
            if (options.providerRules !== false) {
                const found = checkResources(unjudged.resources, unjudged.region).violations;
                if (found.length > 0) {
                    const lines = found.map((v) => `  - ${formatViolation(v)}`).join("\n");
                    outcomes.push({ stack, evaluation, failure: { kind: "provider", message: `${found.length} resource input(s) the provider or AWS would refuse; nothing was created:\n${lines}` } });
                    continue;
                }
            }
            const violations = options.policies
                ? await evaluatePolicies(evaluation.resources, {
                      environment: stackConfig.config["mlops-data:environment"],
                      region: stackConfig.config["aws:region"] ?? "us-east-1",
                      stack,
                      project: evaluation.project,
                      transport: options.policies.transport,
                  })
                : null;
            outcomes.push({ stack, evaluation, plan: violations === null ? unjudged : buildPlan(evaluation, stackConfig, violations) });
        } catch (e) {
            const cause = e instanceof StackEvaluationError ? e.cause : e;
            // A referenced stack (prod, for dr) that fails is that stack's problem: say so.
            const via = e instanceof StackEvaluationError && e.stack !== stack ? `the stack it references, ${e.stack}, does not evaluate: ` : "";
            if (isInputError(cause)) {
                outcomes.push({ stack, failure: { kind: "input", message: via + (cause as Error).message } });
            } else if (e instanceof StackEvaluationError) {
                // Stack traces were off for speed: run it again with them, to show where the program failed.
                const again = await evaluateStack(stack, { stacksDir: options.stacksDir, program: options.program }).then(
                    () => cause,
                    (e2) => (e2 instanceof StackEvaluationError ? e2.cause : e2),
                );
                outcomes.push({ stack, failure: { kind: "program", message: `the program failed: ${(again as Error)?.stack ?? String(again)}` } });
            } else {
                throw e;
            }
        }
    }
    return outcomes;
}
