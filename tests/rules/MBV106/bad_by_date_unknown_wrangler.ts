// mbv-fixture: compatibility_flags=+nodejs_compat_by_date,+wrangler_version_unknown
// bad: a bare built-in, and mbv cannot tell which wrangler bundles it (a warning)
import path from "path";
export { path };
