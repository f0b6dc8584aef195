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

let lastBody = "";
let lastUrl = "";
// bad: a registration-like function that is also called per request
function remember(text: string) {
  lastBody = text;
}
remember("boot");
export async function onRequest(req: Request, env: Env) {
  remember(await req.text());
  // bad: mixes env with request data
  lastUrl = env.PREFIX + req.url;
}
