import { Hono } from "hono";
const app = new Hono();
export default {
  // good: an expression body returns its value
  fetch: (req: Request, env: Env, ctx: ExecutionContext) => app.fetch(req, env, ctx),
  // good: scheduled handlers need no Response
  async scheduled(): Promise<void> {
    console.log("tick");
  },
};
