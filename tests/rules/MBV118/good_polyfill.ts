import { fileURLToPath } from "node:url";
import { dirname } from "node:path";

// good: __dirname declared in the file (an ESM polyfill)
const __filename = fileURLToPath(import.meta.url);
const __dirname = dirname(__filename);
export const here = [__dirname, __filename];
