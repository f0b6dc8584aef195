// good: declarations only (a helper module of the fixture Worker)
export async function recordVisit(env: Env, path: string): Promise<void> {
  await env.DB.prepare("INSERT INTO visits (path) VALUES (?)").bind(path).run();
}
export const sendEmail = async (to: string): Promise<void> => { await fetch(`https://mail.example/${to}`); };
export async function flush(env: Env): Promise<void> { await env.DB.prepare("DELETE FROM queue").run(); }
