// mbv-fixture: numeric_vars=PAGE_SIZE
export function cases(env: Env, items: string[]) {
  // good: parsed first
  if (Number.parseInt(env.RATE_LIMIT, 10) === 100) return 1;
  // good: compared to a string
  if (env.FEATURE_LEVEL === "2") return 2;
  // good: a numeric var declared as a number in the config
  if (env.PAGE_SIZE > 50) return 3;
  // good: not an env member
  if (items.length > 0) return 4;
  return 0;
}
