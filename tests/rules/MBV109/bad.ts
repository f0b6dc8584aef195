// bad: module-level Map only set
const sessions = new Map<string, string>();
// bad: module-level Set only added to
const seen = new Set<string>();
// bad: object used as a cache
const cache: Record<string, string> = {};

export class Room {
  // bad: class field map only grows
  private members = new Map<string, WebSocket>();
  join(id: string, ws: WebSocket) { this.members.set(id, ws); }
}

export default {
  async fetch(req: Request): Promise<Response> {
    sessions.set(req.url, "x");
    seen.add(req.url);
    cache[req.url] = "y";
    return new Response("ok");
  },
};

// bad: one literal key and one from the request
const mixed = new Map<string, string>();
export function note(req: Request) {
  mixed.set("last", req.url);
  mixed.set(req.url, "seen");
}

// bad: the class is instantiated once at module level
class Store {
  private items = new Map<string, string>();
  put(k: string) { this.items.set(k, k); }
}
const store = new Store();
export const put = (req: Request) => store.put(req.url);
