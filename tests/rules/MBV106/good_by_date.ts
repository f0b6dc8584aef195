// mbv-fixture: compatibility_flags=+nodejs_compat_by_date,+wrangler_version_unknown
// good: compatibility_date >= 2026-08-04 turns nodejs_compat on; a node: import is left to the runtime
import { createHash } from "node:crypto";
// good: also a dynamic import with the prefix
const fs = await import("node:fs/promises");
export { createHash, fs };
