// good: a file under benches/ is not Worker runtime code
export async function load(env: Env, table: string) {
  await env.DB.prepare(`SELECT count(*) FROM ${table}`).first();
}
