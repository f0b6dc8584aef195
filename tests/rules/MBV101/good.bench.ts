// good: a benchmark (vitest bench) is not Worker runtime code
export async function benchQuery(env: Env, name: string) {
  await env.DB.prepare(`SELECT * FROM users WHERE name = '${name}'`).all();
}
