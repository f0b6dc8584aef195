// mbv-fixture: compatibility_flags=nodejs_als
// good: nodejs_als is enough for async_hooks
import { AsyncLocalStorage } from "node:async_hooks";
export { AsyncLocalStorage };
