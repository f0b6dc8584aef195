export async function save(env: Env, items: { id: string; name: string }[], ids: string[]) {
  // bad: one insert per item, all at once
  await Promise.all(items.map((item) =>
    env.DB.prepare("INSERT INTO items (id, name) VALUES (?, ?)").bind(item.id, item.name).run(),
  ));

  // bad: a prepared statement bound per id, with a block body and type arguments
  const stmt = env.DB.prepare("SELECT * FROM users WHERE id = ?");
  const users = await Promise.all(ids.map(async (id) => {
    const user = await stmt.bind(id).first<User>();
    return user;
  }));

  // bad: allSettled with Array.from
  await Promise.allSettled(Array.from(new Set(ids), (id) => env.DB.prepare("DELETE FROM s WHERE id = ?").bind(id).run()));
  return users;
}

// bad: a module-level list that requests add to is not fixed
const PENDING: string[] = [];

export async function flushPending(env: Env, id: string) {
  PENDING.push(id);
  await Promise.all(PENDING.map((p) => env.DB.prepare("DELETE FROM t WHERE id = ?").bind(p).run()));
}
