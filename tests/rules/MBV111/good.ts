import { recordVisit, sendEmail } from "./helpers";

export default {
  async fetch(req: Request, env: Env, ctx: ExecutionContext): Promise<Response> {
    // good: awaited
    await recordVisit(env, "/");
    // good: handed to waitUntil
    ctx.waitUntil(recordVisit(env, "/later"));
    // good: rejection handled
    sendEmail("a@example.com").catch((e) => console.error(e));
    // good: kept and awaited later
    const pending = sendEmail("b@example.com");
    await pending;
    // good: a synchronous function with a similar name
    recordSync();
    return new Response("ok");
  },
};
function recordSync(): void {}
