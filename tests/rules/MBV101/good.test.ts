// good: test files build fixtures freely
export async function seed(env: Env, name: string) {
  await env.DB.exec(`INSERT INTO users (name) VALUES ('${name}')`);
}
