let client: { query(): void } | undefined;
let cached: string | undefined;
const ROUTES = ["/a", "/b"];
let counter = 0;

// good: lazy initialisation guarded by the variable
function getClient() {
  if (!client) client = { query() {} };
  return client;
}

// good: logical assignment initialisation
function getCached() {
  cached ??= "value";
  return cached;
}

// good: a local shadowing the module name
function local(counter: number) {
  counter += 1;
  return counter;
}

// good: module-level setup outside any function
counter = 5;
ROUTES.push("/c");

export { getClient, getCached, local };

let dbReady = false;
// good: an initialisation flag tested by the function that sets it
export async function ensureDb(db: D1Database) {
  if (dbReady) return;
  await db.exec("CREATE TABLE IF NOT EXISTS t (id INTEGER)");
  dbReady = true;
}

// good: a test helper resetting the initialisation flag
export function resetDbReady() {
  dbReady = false;
}

// good: boot-time registration called only at module load
const handlers: Array<(req: Request) => Response | null> = [];
function register(handler: (req: Request) => Response | null) {
  handlers.push(handler);
}
register(() => null);
register(() => new Response("ok"));

// good: lazy initialisation guarded by a null check in the outer function
let db: { url: string } | null = null;
export function getDb(env: Env) {
  if (db === null) {
    [1].forEach(() => {
      db = { url: env.DATABASE_URL };
    });
  }
  return db;
}

// good: derived only from env
let settings: { origin: string; debug: boolean } = { origin: "", debug: false };
export default {
  async fetch(req: Request, env: Env): Promise<Response> {
    settings = { origin: env.ALLOWED_ORIGIN, debug: env.DEBUG === "true" };
    return new Response(settings.origin + req.url);
  },
};

// good: x ?? (x = make())
let client: object | undefined;
export const getClient = (env: Env) => client ?? (client = { key: env.API_KEY });

// good: a round-robin cursor (found in review)
let accountCursor = 0;
export function nextAccount<T>(accounts: T[]): T {
  const start = accountCursor % accounts.length;
  accountCursor = (start + 1) % accounts.length;
  return accounts[start];
}
