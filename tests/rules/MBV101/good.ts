const TABLE = "users";
const COLUMNS = { email: "email" };

export async function cases(env: Env, ids: number[], email: string, sql: any) {
  // good: parameterised with bind
  await env.DB.prepare("SELECT * FROM users WHERE email = ?").bind(email).first();

  // good: a constant table name interpolated
  await env.DB.prepare(`SELECT * FROM ${TABLE} WHERE id = ?1`).bind(ids[0]).first();

  // good: placeholders generated for an IN list
  await env.DB.prepare(`SELECT * FROM users WHERE id IN (${ids.map(() => "?").join(", ")})`).bind(...ids).all();

  // good: a tagged sql template (the tag parameterises)
  await env.DB.prepare(sql`SELECT * FROM users WHERE email = ${email}`).first();

  // good: constant object member and a const string
  const limit = 10;
  await env.DB.prepare(`SELECT ${COLUMNS.email} FROM users LIMIT ${limit}`).all();

  // good: RegExp.exec with a template is not SQL
  /x(\d+)/.exec(`value ${email}`);
}

export async function fetchTable(db: D1Database, table: string) {
  if (!["sites", "deployments"].includes(table)) throw new Error("unsupported table");
  // good: the name was checked against an allow-list first
  return db.prepare(`SELECT * FROM ${table}`).all();
}
