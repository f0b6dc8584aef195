import { WorkerEntrypoint } from "cloudflare:workers";

export class Api extends WorkerEntrypoint<Env> {
  // bad: try without return in catch
  async fetch(req: Request): Promise<Response> {
    try {
      return new Response(await req.text());
    } catch (err) {
      console.error(err);
    }
  }
}
