export default {
  // bad: switch without default
  fetch: async (req: Request): Promise<Response> => {
    switch (new URL(req.url).pathname) {
      case "/a":
        return new Response("a");
      case "/b":
        return new Response("b");
    }
  },
};
