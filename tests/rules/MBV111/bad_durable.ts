import { DurableObject } from "cloudflare:workers";
import { flush } from "./helpers";

export class Counter extends DurableObject<Env> {
  async save(n: number): Promise<void> {
    await this.ctx.storage.put("n", n);
  }

  async fetch(req: Request): Promise<Response> {
    // bad: inside a Durable Object the work goes on, but a rejection is unhandled
    this.save(1);
    // bad: an imported async function dropped in a Durable Object
    flush(this.env);
    return new Response(req.url);
  }
}

export async function worker(env: Env) {
  // bad: a floating imported call outside the class
  flush(env);
  return 1;
}
