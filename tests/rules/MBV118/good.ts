// mbv-fixture: compatibility_flags=nodejs_compat
// good: modules workerd implements with nodejs_compat
import { Buffer } from "node:buffer";
import { createHash } from "node:crypto";
import { AsyncLocalStorage } from "node:async_hooks";
// good: a type-only import of a stub module
import type { ChildProcess } from "node:child_process";

export function hash(text: string, p?: ChildProcess) {
  // good: guarded with typeof
  const here = typeof __dirname !== "undefined" ? "node" : "worker";
  return createHash("sha256").update(Buffer.from(text + here)).digest("hex") + String(p) + AsyncLocalStorage.name;
}

export const obj = {
  // good: a property named like the global
  dir: { __dirname: "/tmp" }.__dirname,
};
