import { DurableObject } from "cloudflare:workers";
import type { Env } from "./env";

interface LoginWindow {
  windowStart: number;
  count: number;
}

export interface ConsumeResult {
  allowed: boolean;
  retryAfterSeconds: number;
}

const WINDOW_MS = 60_000;

/**
 * Fixed-window limiter for login attempts, one instance per client IP (`idFromName(ip)`).
 * State lives in Durable Object storage, so it survives evictions; an alarm clears it.
 */
export class RateLimiter extends DurableObject<Env> {
  /** Records one attempt and says whether it is within this minute's allowance. */
  async consume(): Promise<ConsumeResult> {
    const limit = Number.parseInt(this.env.LOGIN_ATTEMPTS_PER_MINUTE, 10);
    const now = Date.now();
    const windowStart = now - (now % WINDOW_MS);

    const stored = await this.ctx.storage.get<LoginWindow>("window");
    const current: LoginWindow =
      stored !== undefined && stored.windowStart === windowStart ? stored : { windowStart, count: 0 };
    current.count += 1;
    await this.ctx.storage.put("window", current);

    if ((await this.ctx.storage.getAlarm()) === null) {
      await this.ctx.storage.setAlarm(windowStart + 2 * WINDOW_MS);
    }
    return {
      allowed: current.count <= limit,
      retryAfterSeconds: Math.ceil((windowStart + WINDOW_MS - now) / 1000),
    };
  }

  /** Called after a successful login so a user who mistyped once is not held back. */
  async reset(): Promise<void> {
    await this.ctx.storage.deleteAll();
  }

  async alarm(): Promise<void> {
    await this.ctx.storage.deleteAll();
  }
}
