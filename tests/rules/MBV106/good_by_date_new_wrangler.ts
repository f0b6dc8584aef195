// mbv-fixture: compatibility_flags=+nodejs_compat_by_date,+wrangler_resolves_bare_builtins
// good: wrangler 4.122 or later resolves a bare built-in from the date
import { Buffer } from "buffer";
export { Buffer };
