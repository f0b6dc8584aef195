import postgres from "postgres";

export async function rows(env: Env, sql: postgres.Sql, name: string) {
  // good: a tagged template with type arguments (used to be a syntax error) is parameterised
  const users = await sql<{ id: number; name: string }[]>`SELECT * FROM users WHERE name = ${name}`;
  // bad: after it, the file is still read: an interpolated D1 query
  await env.DB.prepare(`SELECT * FROM users WHERE name = '${name}'`).all();
  return users;
}
