// good: evicted when too large
const lru = new Map<string, string>();
// good: WeakMap is bounded by the garbage collector
const perRequest = new WeakMap<Request, string>();
// good: a lookup table filled at module level only
const table = new Map<string, number>();
table.set("a", 1);
// good: entries deleted on close
const sockets = new Set<WebSocket>();

export function remember(key: string, value: string, req: Request, ws: WebSocket) {
  if (lru.size > 100) lru.delete(lru.keys().next().value!);
  lru.set(key, value);
  perRequest.set(req, value);
  sockets.add(ws);
  ws.addEventListener("close", () => sockets.delete(ws));
  return table.get(key);
}

// good: filled only at module load, in a callback
const byCode = new Map<string, string>();
["en", "fr"].forEach((code) => byCode.set(code, code.toUpperCase()));

// good: keyed only by literals and env values
const config = new Map<string, string>();
export function remember(env: Env, value: string) {
  config.set("origin", value);
  config.set(env.REGION, value);
}

// good: a field of an object created per call
class RequestContext {
  private memo = new Map<string, unknown>();
  get(key: string, make: () => unknown) {
    if (!this.memo.has(key)) this.memo.set(key, make());
    return this.memo.get(key);
  }
}
export async function handle(req: Request) {
  const ctx = new RequestContext();
  return ctx.get(req.url, () => 1);
}

// good: filled by a function called only at load
const routes = {} as Record<string, string>;
function route(path: string, name: string) {
  routes[path] = name;
}
route("/", "home");
route("/about", "about");

// good: a registry filled by register() at start-up (found in review)
class NodeRegistry {
  private definitions = new Map<string, { type: string }>();
  register(definition: { type: string }) {
    this.definitions.set(definition.type, definition);
  }
}
export const nodeRegistry = new NodeRegistry();
