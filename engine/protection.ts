/**
 * Where replacing or deleting a data store is an incident rather than a
 * change, and so fails `--fail-on-replace`:
 *
 * - every stack whose `environment` is staging, prod or dr: their stores hold
 *   data someone relies on (staging holds the release candidate's data and
 *   rehearses prod's changes; dr is prod's copy);
 * - and, in any stack, a resource with Pulumi's `protect` option set: the
 *   program said it must not be deleted, so `pulumi up` would refuse the
 *   replacement and fail halfway.
 *
 * dev is not protected: replacing a dev database is a normal way to change it.
 */
export const PROTECTED_ENVIRONMENTS = ["staging", "prod", "dr"] as const;

export function isProtectedEnvironment(environment: string): boolean {
    return (PROTECTED_ENVIRONMENTS as readonly string[]).includes(environment);
}
