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
