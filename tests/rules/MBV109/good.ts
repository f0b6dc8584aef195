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
