let currentUser: string | null = null;
let requestCount = 0;
const recent: string[] = [];
const state = { lastPath: "" };

export default {
  async fetch(req: Request): Promise<Response> {
    // bad: reassigned per request
    currentUser = req.headers.get("x-user");
    // bad: counter
    requestCount++;
    // bad: array grows
    recent.push(req.url);
    // bad: object property written
    state.lastPath = new URL(req.url).pathname;
    return new Response(String(requestCount));
  },
};
