export async function chat(): Promise<Response> {
  // bad: message listener without close or error
  const [client, server] = Object.values(new WebSocketPair());
  server.accept();
  server.addEventListener("message", (e) => server.send(String(e.data)));
  return new Response(null, { status: 101, webSocket: client });
}

export async function never(): Promise<Response> {
  // bad: never accepted
  const pair = new WebSocketPair();
  const sock = pair[1];
  sock.addEventListener("message", () => {});
  sock.addEventListener("close", () => {});
  return new Response(null, { status: 101, webSocket: pair[0] });
}

export async function objectPattern(): Promise<Response> {
  // bad: onmessage without onclose
  const { 0: c, 1: s } = new WebSocketPair();
  s.accept();
  s.onmessage = () => {};
  return new Response(null, { status: 101, webSocket: c });
}

export class Room {
  // bad: hibernation handler without webSocketClose
  async webSocketMessage(ws: WebSocket, message: string) { ws.send(message); }
}
