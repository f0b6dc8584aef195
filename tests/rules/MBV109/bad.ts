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
