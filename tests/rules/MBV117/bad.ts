export async function complete(env: Env, prompt: string) {
  // bad: an AI API whose error branch throws
  const res = await fetch("https://api.openai.com/v1/chat/completions", {
    method: "POST",
    headers: { Authorization: `Bearer ${env.OPENAI_API_KEY}` },
    body: JSON.stringify({ prompt }),
  });
  if (!res.ok) throw new Error(`OpenAI error ${res.status}`);
  return res.json();
}

const GITHUB = "https://api.github.com/repos/acme/app/issues";

export async function issues(env: Env) {
  // bad: a REST API through a const URL, returning on failure
  const response = await fetch(GITHUB, { headers: { "User-Agent": "app" } });
  if (response.status !== 200) {
    return new Response("upstream failed", { status: 502 });
  }
  return response.json();
}

export async function reply(env: Env, chatId: number, text: string) {
  // bad: a Telegram bot call in a template URL
  const r = await fetch(`https://api.telegram.org/bot${env.BOT_TOKEN}/sendMessage`, {
    method: "POST",
    body: JSON.stringify({ chat_id: chatId, text }),
  });
  if (!r.ok) {
    console.error("telegram failed", r.status);
    throw new Error("telegram");
  }
  return r.json();
}

export async function ai(env: Env, prompt: string) {
  // bad: Workers AI over REST
  const res = await fetch(`https://api.cloudflare.com/client/v4/accounts/${env.ACCOUNT_ID}/ai/run/@cf/meta/llama-3.1-8b-instruct`, {
    method: "POST",
    body: JSON.stringify({ prompt }),
  });
  if (res.ok === false) return null;
  return res.json();
}
