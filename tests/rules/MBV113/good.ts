export async function chat(): Promise<Response> {
  // good: accepted, with close and error listeners
  const [client, server] = Object.values(new WebSocketPair());
  server.accept();
  server.addEventListener("message", (e) => server.send(String(e.data)));
  server.addEventListener("close", () => server.close());
  server.addEventListener("error", () => server.close());
  return new Response(null, { status: 101, webSocket: client });
}

export class Room {
  constructor(private ctx: DurableObjectState) {}
  // good: hibernation API with acceptWebSocket and webSocketClose
  async fetch(): Promise<Response> {
    const [client, server] = Object.values(new WebSocketPair());
    this.ctx.acceptWebSocket(server);
    return new Response(null, { status: 101, webSocket: client });
  }
  async webSocketMessage(ws: WebSocket, message: string) { ws.send(message); }
  async webSocketClose(ws: WebSocket) { ws.close(); }
}

export async function outbound(): Promise<void> {
  // good: a server socket that only sends (no message listener) but is accepted
  const [, server] = Object.values(new WebSocketPair());
  server.accept();
  server.send("hi");
}
