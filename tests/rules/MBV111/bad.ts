import { recordVisit, sendEmail } from "./helpers";

async function audit(env: Env, what: string): Promise<void> { await env.DB.prepare("INSERT INTO audit VALUES (?)").bind(what).run(); }

export default {
  async fetch(req: Request, env: Env, ctx: ExecutionContext): Promise<Response> {
    // bad: an imported async function dropped
    recordVisit(env, new URL(req.url).pathname);
    // bad: a local async function dropped
    audit(env, "fetch");
    // bad: .then without catch
    sendEmail("a@example.com").then(() => undefined);
    // bad: void does not keep it alive in a Worker
    void audit(env, "void");
    return new Response("ok");
  },
};
