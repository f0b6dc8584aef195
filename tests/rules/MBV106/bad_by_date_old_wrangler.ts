// mbv-fixture: compatibility_flags=+nodejs_compat_by_date
// bad: wrangler before 4.122 cannot bundle a bare built-in although the date enables nodejs_compat
import { createHash } from "crypto";
export { createHash };
