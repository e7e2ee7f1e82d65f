// Entry point for `pulumi up`: the stack outputs are main()'s return value.
import { main } from "./main";

export = main();
