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

export async function weather(city: string) {
  // bad: a template URL with an /api/ path
  const r = await fetch(`https://weather.example.com/api/forecast?city=${city}`);
  if (!r.ok) {
    console.error("weather failed", r.status);
    throw new Error("weather");
  }
  return r.json();
}
