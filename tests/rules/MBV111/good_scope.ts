import { recordVisit } from "./helpers";

// good: a synchronous flush in this file is not the async flush of helpers.ts
function flush(buffer: string[]): void { buffer.length = 0; }
export function handle(buffer: string[]) {
  flush(buffer);
}

export function later(env: Env, path: string): Promise<void> {
  // good: inside a new Promise executor, which settles the promise itself
  return new Promise((resolve, reject) => {
    recordVisit(env, path).then(resolve, reject);
  });
}

export function fireAndLog(env: Env, path: string) {
  // good: void on purpose, with a .catch
  void recordVisit(env, path).catch((err) => console.error("visit", err));
}
