// good: a test helper seeds the database from the test runner
export async function seed(env: Env, name: string) {
  await env.DB.prepare(`INSERT INTO users (name) VALUES ('${name}')`).run();
}
