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
