export default {
  // bad: a bare return
  async fetch(req: Request): Promise<Response> {
    if (!req.headers.get("x-key")) return;
    return new Response("ok");
  },
};
