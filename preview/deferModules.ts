/**
 * The preview's first import (preview/cli.ts): installs engine/deferredSdkModules.ts's stand-ins
 * before any module that loads @pulumi/pulumi or zod. The command's own modules load zod at
 * once (the provider rules check tags with the config schema's rules), so installing them in
 * stackResults, as the SDK's were, came too late for zod's. Its own module so that the import
 * order, which decides, is plain to see. Then, in the bundle, the bundled package files'
 * stand-ins (engine/bundledModules.ts), which must come after.
 */
import { installBundledModules } from "../engine/bundledModules";
import { deferSdkClosureModules } from "../engine/deferredSdkModules";

deferSdkClosureModules();
installBundledModules();
