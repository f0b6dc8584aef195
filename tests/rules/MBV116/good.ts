export async function save(env: Env, items: { id: string; name: string }[], a: string, b: string) {
  // good: one batch per chunk
  const stmt = env.DB.prepare("INSERT INTO items (id, name) VALUES (?, ?)");
  for (let i = 0; i < items.length; i += 50) {
    await env.DB.batch(items.slice(i, i + 50).map((item) => stmt.bind(item.id, item.name)));
  }

  // good: a fixed list of two queries
  await Promise.all([a, b].map((id) => env.DB.prepare("SELECT 1 FROM t WHERE id = ?").bind(id).first()));

  // good: Promise.all over fetches, not D1
  await Promise.all(items.map((item) => fetch(`https://example.com/${item.id}`)));

  // good: chunks of a list, each one batch
  const chunks = [items.slice(0, 50), items.slice(50)];
  await Promise.all(chunks.map((chunk) => env.DB.batch(chunk.map((item) => stmt.bind(item.id, item.name)))));
}

// good: a fixed module-level list of tables, one query per table
const BACKUP_TABLES = ["users", "ciphers", "folders"] as const;

export async function exportAll(env: Env) {
  return Promise.all(BACKUP_TABLES.map((table) => env.DB.prepare(`SELECT * FROM ${table}`).all()));
}
