export async function cases(env: Env, url: URL, body: { email: string; id: string }) {
  // bad: a query parameter in ORDER BY
  const sort = url.searchParams.get("sort") ?? "created_at";
  await env.DB.prepare(`SELECT * FROM posts ORDER BY ${sort} DESC`).all();

  // bad: string concatenation of user input
  await env.DB.prepare("SELECT * FROM users WHERE email = '" + body.email + "'").first();

  // bad: the SQL built in a variable first
  const query = `DELETE FROM sessions WHERE user_id = ${body.id}`;
  await env.DB.prepare(query).run();

  // bad: exec with interpolation
  await env.DB.exec(`UPDATE users SET name = '${body.email}'`);
}

export async function unsafe(db: D1Database, status: string, sortBy: string, limit: string) {
  // bad: a pushed fragment built from a parameter
  const conditions: string[] = [];
  conditions.push(`status = '${status}'`);
  await db.prepare(`SELECT * FROM posts WHERE ${conditions.join(" AND ")}`).all();

  // bad: a variable reassigned from user input later
  let column = "created_at";
  if (sortBy) column = sortBy;
  await db.prepare(`SELECT * FROM posts ORDER BY ${column}`).all();

  // bad: a parameter typed string (not a literal union)
  await db.prepare(`SELECT * FROM posts LIMIT ${limit}`).all();
}

export const dao = {
  async removeByField(db: D1Database, fieldName: string, value: string) {
    // bad: one call passes a value from the request
    await db.prepare(`DELETE FROM attachments WHERE ${fieldName} = ?`).bind(value).run();
  },
  async remove(db: D1Database, url: URL) {
    await this.removeByField(db, "user_id", "1");
    await this.removeByField(db, url.searchParams.get("field") ?? "id", "2");
  },
};

export async function importUsers(request: Request, db: D1Database) {
  const { rows } = await request.json<{ rows: { email: string }[] }>();
  for (const row of rows) {
    // bad: request input through destructuring and for...of (error)
    await db.prepare(`INSERT INTO users (email) VALUES ('${row.email}')`).run();
  }
}
