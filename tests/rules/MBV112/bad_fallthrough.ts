export default {
  // bad: POST falls off the end
  async fetch(req: Request): Promise<Response> {
    if (req.method === "GET") {
      return new Response("hello");
    }
  },
};
