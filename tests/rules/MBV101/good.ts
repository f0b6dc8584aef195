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

export async function listPosts(db: D1Database, limit: number, order: "asc" | "desc", status?: string) {
  // good: conditions only ever pushed as '? ' fragments, joined later
  const conditions: string[] = [];
  const values: unknown[] = [];
  if (status) {
    conditions.push("status = ?");
    values.push(status);
  }
  const where = conditions.length ? `WHERE ${conditions.join(" AND ")}` : "";
  await db.prepare(`SELECT * FROM posts ${where}`).bind(...values).all();

  // good: a parameter typed number and one typed as a union of string literals
  await db.prepare(`SELECT * FROM posts ORDER BY created_at ${order} LIMIT ${limit}`).all();

  // good: a variable only ever assigned literals
  let sql = "SELECT * FROM posts";
  if (status) sql += " WHERE status = ?";
  await db.prepare(sql + " LIMIT 10").all();
}

const FIELDS = { title: "text", body: "text" };

export async function checked(db: D1Database, page: unknown, size: string) {
  // good: checked with typeof ... === "number" first
  if (typeof page !== "number") throw new Error("page");
  await db.prepare(`SELECT * FROM posts LIMIT 10 OFFSET ${page * 10}`).all();

  // good: Number.isInteger and a range check
  const n = Number(size);
  if (!Number.isInteger(n) || n > 100) throw new Error("size");
  await db.prepare(`SELECT * FROM posts LIMIT ${n}`).all();

  // good: Object.keys of an object literal
  await db.prepare(`SELECT ${Object.keys(FIELDS).join(", ")} FROM posts`).all();

  // good: a formatted Date
  const cutoff = new Date(Date.now() - 86_400_000).toISOString();
  await db.prepare(`DELETE FROM sessions WHERE expires_at < '${cutoff}'`).run();
}

const emailConst = { status: { SAVING: 0, RECEIVE: 1 } };

export const dao = {
  async completeAll(db: D1Database) {
    // good: enum-like constants (found in review)
    await db.prepare(`UPDATE email SET status = ${emailConst.status.RECEIVE} WHERE status = ${emailConst.status.SAVING}`).run();
  },
  async removeByField(db: D1Database, fieldName: string, value: string) {
    // good: every call in this file passes a literal column name (found in review)
    await db.prepare(`DELETE FROM attachments WHERE ${fieldName} = ?`).bind(value).run();
  },
  async removeUser(db: D1Database, id: string) {
    await this.removeByField(db, "user_id", id);
    await this.removeByField(db, "email_id", id);
  },
};

export async function facets(db: D1Database, capabilities: string[]) {
  // good: fragments built by mapping each value to a constant with placeholders (found in review)
  const where: string[] = [];
  const params: unknown[] = [];
  if (capabilities.length) {
    where.push("(" + capabilities.map(() => "p.capabilities_json LIKE ?").join(" OR ") + ")");
    params.push(...capabilities);
  }
  await db.prepare(`SELECT COUNT(*) FROM plugins p ${where.length ? "WHERE " + where.join(" AND ") : ""}`).bind(...params).first();
}
