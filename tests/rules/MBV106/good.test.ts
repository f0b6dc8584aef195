// good: tests run in Node (the vitest pool adds nodejs_compat)
import { readFileSync } from "node:fs";
export { readFileSync };
