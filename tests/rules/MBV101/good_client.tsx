/* a React component of the same app */
"use client";
// good: a "use client" module runs in the browser, not in the Worker
export function Query({ db, q }: { db: { prepare(s: string): unknown }; q: string }) {
  db.prepare(`SELECT * FROM notes WHERE title = '${q}'`);
  return null;
}
