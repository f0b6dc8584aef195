export function cases(items: string[]) {
  // good: sampling
  if (Math.random() < 0.1) console.log("sampled");
  // good: jitter for a retry delay
  const retryDelay = 100 + Math.random() * 50;
  // good: picking an item
  const pick = items[Math.floor(Math.random() * items.length)];
  // good: crypto for the id
  const requestId = crypto.randomUUID();
  return [retryDelay, pick, requestId];
}

export function ids() {
  // good: an id alone is not a secret
  const generateId = () => `${Date.now()}-${Math.random()}`;
  // good: a status code in a simulated response
  const statusCode = Math.random() < 2 ? 200 : 500;
  // good: a request id for log correlation
  const id = Math.random().toString(36).slice(2);
  return [generateId, statusCode, id];
}
