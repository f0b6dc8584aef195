"""MBV117 api-rate-limit-ignored

## What it does
Flags a `fetch` to an API that answers 429 in normal use (AI providers: OpenAI, Anthropic, Gemini,
Mistral, Groq, OpenRouter, Workers AI over REST or AI Gateway...; and GitHub, Telegram, Discord,
Slack, X, Notion) when the code that checks the response (`if (!res.ok)`, `if (res.status !== 200)`) throws or returns without looking at status
429 or the `Retry-After` header, and nothing in the function retries (no `retry`/`backoff` in its
name, its text or the call around the `fetch`).

## Why is this bad?
APIs, and AI APIs above all, answer 429 Too Many Requests when a key's quota is used up, with a
`Retry-After` header saying when to come back. Treated like any other failure, the 429 becomes a
500 for your user, and clients that retry at once make the rate limit last longer. Under load the
whole Worker fails together.

## Example
```ts
const res = await fetch("https://api.openai.com/v1/chat/completions", init);
if (!res.ok) throw new Error(`OpenAI error ${res.status}`);
```

## Use instead
```ts
const res = await fetch("https://api.openai.com/v1/chat/completions", init);
if (res.status === 429) {
  const wait = Number(res.headers.get("Retry-After") ?? "1");
  return new Response("busy, try again", { status: 503, headers: { "Retry-After": String(wait) } });
}
if (!res.ok) throw new Error(`OpenAI error ${res.status}`);
```
or retry with backoff (a queue, or a helper that honours `Retry-After`).

## Known limits
APIs with generous limits where a 429 is an incident rather than routine (payments, storage, your
own services) are not looked at: there a generic error is a fair answer. Only `fetch` calls whose URL is a literal or a template starting with `https://`/`http://` (also
through a `const` in the same file) are looked at, and only a status check in the same function.
A retry done by the caller of the function is not seen: suppress with `// mbv-ignore MBV117: reason`.
Lowered to info on 2026-12-01: right 5 of 11 times on 30 random public repositories drawn for the final
review (best-effort fan-out under `Promise.allSettled` that returns null on failure, so a 429 never
becomes an error); it was 9 of 10 on the 47 repositories before.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import TYPE_CHECKING

from mbv_cli.core.findings import Finding, Severity
from mbv_cli.core.rules import syntax
from mbv_cli.core.rules.base import CodeContext, code_rule

if TYPE_CHECKING:
    from tree_sitter import Node

    from mbv_cli.core.code.parsing import SourceFile

# APIs that answer 429 in normal use: AI providers (per-minute token and request quotas) and the
# APIs with tight per-user/per-bot limits that Workers commonly call
RATE_LIMITED_HOSTS = re.compile(
    r"(^|\.)(openai\.com|anthropic\.com|generativelanguage\.googleapis\.com|aiplatform\.googleapis\.com|"
    r"mistral\.ai|groq\.com|cohere\.(ai|com)|openrouter\.ai|replicate\.com|together\.xyz|deepseek\.com|x\.ai|"
    r"perplexity\.ai|fireworks\.ai|huggingface\.co|elevenlabs\.io|openai\.azure\.com|"
    r"api\.github\.com|api\.telegram\.org|discord\.com|slack\.com|api\.twitter\.com|api\.x\.com|"
    r"api\.notion\.com|api\.cloudflare\.com)$")
API_URL = re.compile(r"^https?://([^/\s`$]+)(/[^\s`]*)?")
CF_AI_PATH = re.compile(r"/ai/run/|/ai-gateway/|gateway\.ai\.cloudflare\.com")
HANDLES_RATE_LIMIT = re.compile(r"429|retry.?after|too.?many|rate.?limit|retry|backoff", re.IGNORECASE)
NOT_OK = re.compile(r"!\s*(?P<a>[\w$]+)\.ok\b|(?P<b>[\w$]+)\.status\s*(!==?|>=?|<)\s*\d{3}|(?P<c>[\w$]+)\.ok\s*===?\s*false")
HINT = "handle status 429 (read Retry-After, answer 503 with Retry-After or retry with backoff) before the generic error"


def _api_url(source: SourceFile, arg: Node) -> str | None:
    value: str | None = None
    if arg.type == "identifier":
        declared = syntax.declared_value(source, arg)
        arg = declared if declared is not None else arg
    if arg.type == "string":
        value = syntax.string_value(source, arg)
    elif arg.type == "template_string":
        value = source.node_text(arg)[1:]
    if not value:
        return None
    match = API_URL.match(value)
    if match is None:
        return None
    host, path = match.group(1).lower(), match.group(2) or ""
    if host == "api.cloudflare.com" and not CF_AI_PATH.search(path):
        return None  # the Cloudflare API at large has generous limits; Workers AI over REST does not
    if RATE_LIMITED_HOSTS.search(host) or host == "gateway.ai.cloudflare.com":
        return host
    return None


def _response_name(call: Node, source: SourceFile) -> str | None:
    """`const res = await fetch(...)` -> "res"."""
    node = call.parent
    if node is not None and node.type == "await_expression":
        node = node.parent
    if node is not None and node.type == "variable_declarator":
        name = node.child_by_field_name("name")
        return source.node_text(name) if name is not None and name.type == "identifier" else None
    return None


def _retried(source: SourceFile, call: Node, fn: Node) -> bool:
    current: Node | None = call
    while current is not None:
        if current.type == "call_expression" and current is not call \
                and re.search(r"retry|backoff", syntax.method_name(current) or "", re.IGNORECASE):
            return True
        if current.type in syntax.FUNCTION_TYPES:
            name = current.child_by_field_name("name")
            if name is None and current.parent is not None and current.parent.type == "variable_declarator":
                name = current.parent.child_by_field_name("name")
            if name is not None and re.search(r"retry|backoff", source.node_text(name), re.IGNORECASE):
                return True
        current = current.parent
    return False


def _failure_branch(source: SourceFile, fn: Node, name: str, after: int) -> Node | None:
    """The `if (!res.ok) { throw/return }` after the fetch, when it is the first check of the status."""
    for branch in syntax.descendants(fn, "if_statement"):
        if branch.start_byte < after:
            continue
        cond = branch.child_by_field_name("condition")
        text = source.node_text(cond) if cond is not None else ""
        if name not in text or (".ok" not in text and ".status" not in text):
            continue
        match = NOT_OK.search(text)
        if match is None or (match.group("a") or match.group("b") or match.group("c")) != name:
            return None  # the first status check is something else (res.status === 429, ...)
        body = branch.child_by_field_name("consequence")
        if body is not None and (body.type in {"throw_statement", "return_statement"}
                                 or any(True for _ in syntax.descendants(body, "throw_statement", "return_statement"))):
            return branch
        return None
    return None


def check(source: SourceFile, ctx: CodeContext) -> Iterator[Finding]:
    for call in syntax.nodes_of(source, "call_expression"):
        fn_node = syntax.callee(call)
        if fn_node is None or fn_node.type != "identifier" or source.node_text(fn_node) != "fetch":
            continue
        args = syntax.arguments(call)
        host = _api_url(source, args[0]) if args else None
        if host is None:
            continue
        fn = syntax.enclosing_function(call)
        name = _response_name(call, source)
        if fn is None or name is None:
            continue
        if HANDLES_RATE_LIMIT.search(source.node_text(fn)) or _retried(source, call, fn):
            continue
        branch = _failure_branch(source, fn, name, call.end_byte)
        if branch is None:
            continue
        line, _ = source.position(branch)
        yield RULE.at(source, call, f"the non-OK branch of this fetch to {host} (line {line}) treats 429 "
                      "Too Many Requests like any failure and ignores Retry-After", hint=HINT)


RULE = code_rule("MBV117", "api-rate-limit-ignored", Severity.INFO,
                 "an external API's 429 / Retry-After treated like any other failure", __doc__, check,
                 needs=[("fetch(",), ("http://", "https://"), (".ok", ".status")])
