import { Hono } from "hono";
const app = new Hono();

export class Api {
  // good: not an entrypoint class (no WorkerEntrypoint/DurableObject base)
  async fetch(req: Request) { console.log(req.url); }
}

export default {
  // good: every branch returns or throws
  async fetch(req: Request, env: Env, ctx: ExecutionContext): Promise<Response> {
    if (req.method === "GET") {
      return new Response("hello");
    } else if (req.method === "POST") {
      throw new Error("not yet");
    }
    switch (req.method) {
      case "PUT":
      case "PATCH":
        return new Response("update");
      default:
        return app.fetch(req, env, ctx);
    }
  },
};
