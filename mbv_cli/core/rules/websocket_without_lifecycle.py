"""MBV113 websocket-without-lifecycle

## What it does
In a file that creates a `WebSocketPair`, flags the server socket when it gets a `message`
listener but no `close` or `error` listener, or when it is never `accept()`ed (nor handed to
`ctx.acceptWebSocket()` for hibernation). A Durable Object that implements
`webSocketMessage` without `webSocketClose` is flagged the same way.

## Why is this bad?
A socket that is not accepted never delivers events, so the client hangs. Without `close`
and `error` handlers the Worker keeps per-connection state (room membership, timers, sessions)
for clients that are gone, and the peer's close handshake is never completed.

## Example
```ts
const [client, server] = Object.values(new WebSocketPair());
server.accept();
server.addEventListener("message", (e) => broadcast(e.data));
return new Response(null, { status: 101, webSocket: client });
```

## Use instead
```ts
const [client, server] = Object.values(new WebSocketPair());
server.accept();
server.addEventListener("message", (e) => broadcast(e.data));
server.addEventListener("close", () => leave(server));
server.addEventListener("error", () => leave(server));
```

## Known limits
The server socket is recognised when it is destructured from the pair (`[client, server]`,
`{ 0: client, 1: server }`) or read as `pair[1]`; listeners added in another function of the
same file count.
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

HINT = "accept() the server socket and add close and error listeners that release per-connection state"


def _server_sockets(source: SourceFile) -> list[tuple[str, Node]]:
    sockets: list[tuple[str, Node]] = []
    pairs = set()
    for decl in syntax.nodes_of(source, "variable_declarator"):
        name = decl.child_by_field_name("name")
        value = decl.child_by_field_name("value")
        if name is not None and value is not None and name.type == "identifier" \
                and re.fullmatch(r"new\s+WebSocketPair\s*\(\s*\)", source.node_text(value)):
            pairs.add(source.node_text(name))
    for decl in syntax.nodes_of(source, "variable_declarator"):
        name = decl.child_by_field_name("name")
        value = decl.child_by_field_name("value")
        if name is None or value is None:
            continue
        value_text = source.node_text(value)
        if name.type == "array_pattern" and ("WebSocketPair" in value_text or "Object.values" in value_text):
            elements = [c for c in name.named_children]
            if len(elements) >= 2 and elements[1].type == "identifier":
                sockets.append((source.node_text(elements[1]), elements[1]))
        elif name.type == "object_pattern" and "WebSocketPair" in value_text:
            for pair in name.named_children:
                key = pair.child_by_field_name("key")
                val = pair.child_by_field_name("value")
                if key is not None and val is not None and source.node_text(key) == "1":
                    sockets.append((source.node_text(val), val))
        elif name.type == "identifier":
            indexed = re.fullmatch(r"(\w+)\[\s*[\"']?1[\"']?\s*\]", value_text)
            if indexed and indexed.group(1) in pairs:
                sockets.append((source.node_text(name), name))
    return sockets


def _listens(text: str, socket: str, event: str) -> bool:
    s = re.escape(socket)
    return bool(re.search(rf"\b{s}\s*\.\s*addEventListener\(\s*[\"'`]{event}[\"'`]", text)
                or re.search(rf"\b{s}\s*\.\s*on{event}\s*=", text))


def check(source: SourceFile, ctx: CodeContext) -> Iterator[Finding]:
    text = source.text
    if "WebSocketPair" in text:
        for name, node in _server_sockets(source):
            s = re.escape(name)
            accepted = re.search(rf"\b{s}\s*\.\s*accept\(\s*\)", text) or re.search(
                rf"acceptWebSocket\(\s*{s}\b", text)
            if not accepted:
                yield RULE.at(source, node, f"server WebSocket {name} is never accepted",
                              hint=f"call {name}.accept() (or ctx.acceptWebSocket({name}) in a Durable Object)")
                continue
            if _listens(text, name, "message") and not (_listens(text, name, "close") or _listens(text, name, "error")):
                yield RULE.at(source, node, f"server WebSocket {name} handles messages but not close or error",
                              hint=HINT)
    for cls in syntax.nodes_of(source, "class_body"):
        methods = {syntax.text(source, m.child_by_field_name("name")): m
                   for m in cls.named_children if m.type == "method_definition"}
        if "webSocketMessage" in methods and not ({"webSocketClose", "webSocketError"} & methods.keys()):
            yield RULE.at(source, methods["webSocketMessage"],
                          "Durable Object handles webSocketMessage but not webSocketClose or webSocketError",
                          hint="implement webSocketClose (and webSocketError) to release per-connection state")


RULE = code_rule("MBV113", "websocket-without-lifecycle", Severity.WARNING,
                 "a server WebSocket with a message listener but no close/error, or never accepted", __doc__, check,
                 needs=[('websocketpair', 'websocketmessage')])
