// mbv-fixture: compatibility_flags=nodejs_compat
// good: the Worker has nodejs_compat
import { createHmac } from "node:crypto";
export { createHmac };
