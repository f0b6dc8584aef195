export default {
  // good: try and catch both return
  async fetch(req: Request): Promise<Response> {
    try {
      return new Response(await req.text());
    } catch {
      return new Response("bad request", { status: 400 });
    }
  },
};
