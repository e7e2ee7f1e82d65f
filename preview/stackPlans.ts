/**
 * Evaluates stacks under the offline engine, runs the policy packs over each,
 * and turns the result into plans. A stack whose configuration is invalid is
 * reported with the program's own message (bad input), not a stack trace.
 */
import { ConfigError } from "../infra/config";
import { PolicyTransport, PolicyViolation, evaluatePolicies } from "../policy/offline/evaluate";
import { EvaluateOptions, StackEvaluation, StackEvaluationError, evaluateStack } from "../engine/mockEngine";
import { Plan, buildPlan, redact, secretValues, withViolations } from "../engine/plan";
import { checkResources, formatViolation } from "../engine/provider/check";
import { StackFileError, readStackFile } from "../engine/stackFile";
import { renderStack } from "./terminal";
import { NO_TIMINGS, Timings } from "./timings";

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
    /** Where the time goes (--timings); default: not recorded. */
    timings?: Timings;
    /** A referenced stack's outputs from elsewhere (another thread): see EvaluateOptions.answerReference. */
    answerReference?: EvaluateOptions["answerReference"];
}

/**
 * What the preview prints and writes of a stack: its text for the terminal (secrets
 * redacted), its plan, or why it has none. Plain data, so that a worker thread can
 * hand it over (a StackEvaluation holds the program's live objects).
 */
export interface StackResult {
    stack: string;
    text: string;
    plan?: Plan;
    failure?: StackOutcome["failure"];
}

export function stackResult(o: StackOutcome, timings: Timings = NO_TIMINGS): StackResult {
    const text = timings.time("render", `${o.stack}: terminal text`, () => (o.evaluation ? redact(renderStack(o), secretValues(o.evaluation.resources)) : renderStack(o)));
    return { stack: o.stack, text, plan: o.plan, failure: o.failure };
}

/** True for errors that come from the stack's configuration rather than from the program. */
function isInputError(e: unknown): boolean {
    // A program of another revision has its own ConfigError class: recognise it by name.
    return e instanceof ConfigError || e instanceof StackFileError || (e instanceof Error && e.name === "ConfigError");
}

export async function evaluateStacks(stacks: string[], options: EvaluateStacksOptions): Promise<StackOutcome[]> {
    const evaluated = new Map<string, StackEvaluation>();
    const outcomes: StackOutcome[] = [];
    for (const stack of stacks) outcomes.push(await evaluateOne(stack, options, evaluated));
    return outcomes;
}

/**
 * Policies run with the SDK's and @pulumi/policy's stack traces off: every policy that
 * does not apply to a resource throws an error to say so (validateResourceOfType's
 * notApplicable), and constructing those errors took 0.43 s of the packs' 1.44 s in a CPU profile. Findings
 * never carry a stack; an error does, so a failure is run again with them, to show where.
 */
async function withoutStackTraces<T>(run: () => Promise<T>): Promise<T> {
    const limit = Error.stackTraceLimit;
    Error.stackTraceLimit = 0;
    try {
        return await run();
    } catch {
        Error.stackTraceLimit = limit;
        return await run();
    } finally {
        Error.stackTraceLimit = limit;
    }
}

/**
 * One stack's outcome. `evaluated` holds the stacks this thread evaluated so far: a
 * stack evaluated as another's reference (prod, for dr) is taken from it, not run again.
 */
export async function evaluateOne(stack: string, options: EvaluateStacksOptions, evaluated: Map<string, StackEvaluation>): Promise<StackOutcome> {
    const timings = options.timings ?? NO_TIMINGS;
    try {
        const stackConfig = readStackFile(stack, options.stacksDir);
        const before = new Set(evaluated.keys());
        const start = Timings.now();
        const evaluation =
            evaluated.get(stack) ??
            (await evaluateStack(stack, { stackConfig, stacksDir: options.stacksDir, program: options.program, evaluated, captureStackTraces: false, answerReference: options.answerReference }));
        const alongside = [...evaluated.keys()].filter((s) => !before.has(s) && s !== stack);
        const what = before.has(stack) ? "already evaluated as a reference" : `evaluate the program${alongside.length ? ` (and ${alongside.join(", ")}, which it references)` : ""}`;
        timings.since("evaluate", `${stack}: ${what}`, start);
        evaluated.set(stack, evaluation);
        const secrets = secretValues(evaluation.resources);
        const unjudged = timings.time("plan", `${stack}: plan`, () => buildPlan(evaluation, stackConfig, null, secrets));
        if (options.providerRules !== false) {
            const found = timings.time("provider rules", `${stack}: provider and AWS rules`, () => checkResources(unjudged.resources, unjudged.region).violations);
            if (found.length > 0) {
                const lines = found.map((v) => `  - ${formatViolation(v)}`).join("\n");
                return { stack, evaluation, failure: { kind: "provider", message: `${found.length} resource input(s) the provider or AWS would refuse; nothing was created:\n${lines}` } };
            }
        }
        const policies = options.policies;
        if (!policies) return { stack, evaluation, plan: unjudged };
        const violations: PolicyViolation[] = await timings.timeAsync("policies", `${stack}: policy packs`, () =>
            withoutStackTraces(() =>
                evaluatePolicies(evaluation.resources, {
                    environment: stackConfig.config["mlops-data:environment"],
                    region: stackConfig.config["aws:region"] ?? "us-east-1",
                    stack,
                    project: evaluation.project,
                    transport: policies.transport,
                }),
            ),
        );
        return { stack, evaluation, plan: timings.time("plan", `${stack}: plan with the findings`, () => withViolations(unjudged, violations, secrets)) };
    } catch (e) {
        const cause = e instanceof StackEvaluationError ? e.cause : e;
        // A referenced stack (prod, for dr) that fails is that stack's problem: say so.
        const via = e instanceof StackEvaluationError && e.stack !== stack ? `the stack it references, ${e.stack}, does not evaluate: ` : "";
        if (isInputError(cause)) return { stack, failure: { kind: "input", message: via + (cause as Error).message } };
        if (!(e instanceof StackEvaluationError)) throw e;
        // Stack traces were off for speed: run it again with them, to show where the program failed.
        const again = await evaluateStack(stack, { stacksDir: options.stacksDir, program: options.program }).then(
            () => cause,
            (e2) => (e2 instanceof StackEvaluationError ? e2.cause : e2),
        );
        return { stack, failure: { kind: "program", message: `the program failed: ${(again as Error)?.stack ?? String(again)}` } };
    }
}
