// good: type-only import
import type { Buffer } from "node:buffer";
// good: a package whose name starts like a builtin
import { match } from "path-to-regexp";
// good: a Workers module
import { connect } from "cloudflare:sockets";
// good: an npm package called like a builtin subpath
import { z } from "zod";
export type { Buffer };
export { match, connect, z };
