"""Where a Worker's code reads its bindings: `env.X` and the other ways code reaches the Worker env.

Drawn from the tree-sitter tree (never from regexes over the text), so comments, strings,
`process.env.X`, `import.meta.env.X` and unrelated objects that happen to be called `env` are not
bindings. An identifier counts as the Worker env only when the code says so:

- the second parameter of a `fetch`/`queue`/`scheduled`/`email`/`tail`/`trace` handler in the
  default-exported handler object (or one typed `ExportedHandler`);
- a parameter typed `Env`, `Cloudflare.Env`, `Bindings`, or another name ending in `Env`/`Bindings`
  (`AppEnv`, `CloudflareBindings`; not `ProcessEnv`/`ImportMetaEnv`);
- `import { env } from "cloudflare:workers"`;
- `this.env` inside a class extending `DurableObject`, `WorkerEntrypoint`, `WorkflowEntrypoint`, an
  agent class, or any class given the env type as a generic or a typed `env` field;
- `c.env` where `c` is a context: typed `Context` or any `...Context` (a Hono alias such as
  `type AppContext = Context<{ Bindings: Env }>`, Pages' `EventContext`), the first parameter of a
  route callback (`app.get(path, (c) => ...)`, `.openapi(route, (c) => ...)`, the second of
  `app.onError((err, c) => ...)`) in a file that imports hono, of a const typed
  `MiddlewareHandler<...>`/`Handler<...>`/`PagesFunction<...>` (the second of an `ErrorHandler`) or
  of the callback a function declared to return one returns, or of a Pages Functions
  `onRequest*` export (also destructured: `({ env }) => ...`);
- framework holders of the env: `context.cloudflare.env`, `event.platform.env`,
  `locals.runtime.env`, `getCloudflareContext().env`;
- a parameter typed `Pick<Env, ...>`/`Omit<...>`/`Partial<...>`/`Readonly<...>` of the env type;
- an alias of any of these (`const e = env`, `const env = c.env`, `const { env } = c`), a cast
  (`(env as any).X`, `(env as any)["X"]`, `(env as { X: T }).X`, `env!.X`);
- a parameter of a function of the same file that is given the env whole (`helper(env)`), and,
  through `seeds`, of a function another file imports and gives the env (see `EnvCall`).

Accesses: `env.X`, `env?.X`, `env["X"]`, destructuring `const { X, Y: y } = env` and destructured
parameters typed with the env type. A computed key (`env[name]`) is recorded as a `DynamicAccess`
and never guessed. Accesses that look like the env but are not proven (an untyped parameter named
`env`, `this.env` in another class, `x.env` in any callback) are kept as *weak* usages: they stop
"declared but never used" reports but never raise "used but not declared".

An assignment (`env.X = new Client()`) is not a read. A read the code guards (`env.X ?? d`,
`env.X || d`, `if (env.X)`, `env.X?.y`, `typeof env.X`, a destructuring default) is marked
`guarded`. The env given whole to a call that is not a function of the file is an `EnvCall`: the
caller follows relative imports into the other file; a library (`app.fetch(req, env)`) may read
any binding, which the caller reports.
"""

from __future__ import annotations

import functools
import json
import re
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from tree_sitter import Node, Query

    from mbv_cli.core.code.parsing import SourceFile

HANDLER_NAMES = ("fetch", "queue", "scheduled", "email", "tail", "trace")
ENV_TYPE_NAMES = frozenset({"Env", "Cloudflare.Env", "Bindings", "CloudflareBindings", "CloudflareEnv", "WorkerEnv"})
ENV_BASE_CLASSES = frozenset({
    "DurableObject", "WorkerEntrypoint", "WorkflowEntrypoint", "Agent", "AIChatAgent", "McpAgent",
    "Container", "RpcTarget",
})
ROUTE_METHODS = frozenset({
    "get", "post", "put", "delete", "patch", "all", "use", "on", "options", "head", "onError",
    "notFound", "fire", "handle", "createHandlers", "createMiddleware", "openapi",
})
NOT_ENV_TYPE_NAMES = frozenset({"ProcessEnv", "ImportMetaEnv", "NodeJS.ProcessEnv", "HonoEnv"})
# `const h: T<...> = (c) => ...`: the first parameter of such a function is a context with `.env`.
HANDLER_TYPE_NAMES = frozenset({"MiddlewareHandler", "Handler", "PagesFunction", "ErrorHandler", "NotFoundHandler"})
# Type wrappers that keep (some of) the env's members: `Pick<Env, "A" | "B">`.
ENV_TYPE_WRAPPERS = frozenset({"Pick", "Omit", "Partial", "Readonly", "Required"})
# `<x>.cloudflare.env`, `<x>.platform.env`, `<x>.runtime.env`: React Router, SvelteKit, Astro.
FRAMEWORK_ENV_HOLDERS = frozenset({"cloudflare", "platform", "runtime"})
CONTEXT_FUNCTIONS = frozenset({"getCloudflareContext", "getRequestContext", "useRequestContext"})
# In a file that mentions hono: `getContext<E>()` of hono/context-storage returns the request's context.
HONO_CONTEXT_FUNCTIONS = frozenset({"getContext"})
# Hono middleware options whose callback is given the context: `cors({ origin: (origin, c) => ... })`,
# `bearerAuth({ verifyToken: (token, c) => ... })`, `basicAuth({ verifyUser: (user, password, c) => ... })`.
HONO_OPTION_CALLBACKS = {
    ("cors", "origin"): 1, ("cors", "allowMethods"): 1, ("bearerAuth", "verifyToken"): 1,
    ("basicAuth", "verifyUser"): 2, ("jwk", "keys"): 0, ("trpcServer", "createContext"): 1,
}
# Hono validators' hooks: `validator("json", (value, c) => ...)`, `zValidator("json", schema, (result, c) => ...)`.
HONO_VALIDATORS = frozenset({"validator", "zValidator", "tbValidator", "vValidator", "arktypeValidator"})
# Calls given the env that read no binding by name.
# `super(ctx, env)` hands the env to the base class (DurableObject, WorkerEntrypoint), read back as `this.env`.
HARMLESS_CALLEES = re.compile(r"^(?:console\.\w+|JSON\.stringify|String|Boolean|Object\.(?:keys|entries|values)|super)$")


def is_env_type_name(name: str) -> bool:
    """Whether a type name is, by its name, the Worker env type (`Env`, `AppEnv`, `Bindings`...)."""
    if name in ENV_TYPE_NAMES:
        return True
    return (name.endswith("Env") or name.endswith("Bindings")) and name not in NOT_ENV_TYPE_NAMES


_FUNCTIONS = frozenset({
    "function_declaration", "function_expression", "arrow_function", "method_definition",
    "generator_function_declaration", "generator_function", "function",
})
_CLASSES = frozenset({"class_declaration", "class", "abstract_class_declaration"})
_PARAMS = frozenset({"required_parameter", "optional_parameter"})


@dataclass(frozen=True, slots=True)
class Usage:
    """One read of a binding by name, with where it is (1-based line and column)."""

    name: str
    line: int
    column: int
    form: str  # "member", "optional", "subscript", "destructure", "parameter"; "assigned": a write, not a read
    via: str  # "handler", "typed", "import", "this.env", "context", "alias", "passed", "untyped", "process.env"
    strong: bool = True
    guarded: bool = False  # the code checks for it (`env.X ?? d`, `if (env.X)`, `env.X?.y`)

    def to_dict(self) -> dict[str, Any]:
        return {"name": self.name, "line": self.line, "column": self.column, "form": self.form,
                "via": self.via, "strong": self.strong, "guarded": self.guarded}


@dataclass(frozen=True, slots=True)
class EnvCall:
    """The env given whole to a call of something that is not a function of this file.

    `specifier`/`imported` say where the callee comes from when it is imported (`imported` is the
    exported name, `default` or `*` for a namespace); `argument` is the env's 0-based position.
    The caller follows a relative specifier into that file (`extract_usages(seeds=...)`); any other
    call (a package, `app.fetch(req, env)`) may read any binding.
    """

    callee: str
    line: int
    column: int
    argument: int
    specifier: str | None = None
    imported: str | None = None
    strong: bool = True


@dataclass(frozen=True, slots=True)
class DynamicAccess:
    """A read of the env with a computed key (`env[name]`, `...rest`): cannot be checked."""

    expression: str
    line: int
    column: int


@dataclass(frozen=True, slots=True)
class _Source:
    via: str
    strong: bool


@dataclass(frozen=True, slots=True)
class Seed:
    """A function of a file that another file gives the env: `name` (`default` for the default
    export), the env's 0-based `argument`, and whether the env given was proven."""

    name: str
    argument: int
    strong: bool = True


COMMON_ENV_NAMES = frozenset({"env", "e", "workerEnv", "bindings"})

PATTERNS = """
(import_statement
  (import_clause (named_imports (import_specifier name: (identifier) @imp.name alias: (identifier)? @imp.alias)))
  source: (string (string_fragment) @imp.src))
(method_definition name: (property_identifier) @handler.name parameters: (formal_parameters) @handler.params
                   (#any-of? @handler.name "fetch" "queue" "scheduled" "email" "tail" "trace")) @handler.fn
(pair key: (property_identifier) @handler.name
      value: [(arrow_function parameters: (formal_parameters) @handler.params)
              (function_expression parameters: (formal_parameters) @handler.params)] @handler.fn
      (#any-of? @handler.name "fetch" "queue" "scheduled" "email" "tail" "trace"))
(required_parameter pattern: (_) @param.pattern
  type: (type_annotation [(type_identifier) (nested_type_identifier)] @param.typename) @param.type
  (#match? @param.typename "(Env|Bindings)$")) @param
(optional_parameter pattern: (_) @param.pattern
  type: (type_annotation [(type_identifier) (nested_type_identifier)] @param.typename) @param.type
  (#match? @param.typename "(Env|Bindings)$")) @param
(required_parameter pattern: (identifier) @untyped.name (#eq? @untyped.name "env") !type) @untyped
(member_expression object: (identifier) @acc.obj property: (property_identifier) @acc.prop
                   (#any-of? @acc.obj "env" "e" "workerEnv" "bindings")) @acc
(subscript_expression object: (identifier) @sub.obj index: (_) @sub.index
                      (#any-of? @sub.obj "env" "e" "workerEnv" "bindings")) @sub
(member_expression object: (member_expression object: (_) @eacc.base property: (property_identifier) @eacc.env)
                   property: (property_identifier) @eacc.prop (#eq? @eacc.env "env")) @eacc
(subscript_expression object: (member_expression object: (_) @esub.base property: (property_identifier) @esub.env)
                      index: (_) @esub.index (#eq? @esub.env "env")) @esub
(member_expression object: (member_expression object: (this) @eacc.base property: (private_property_identifier) @eacc.env)
                   property: (property_identifier) @eacc.prop (#eq? @eacc.env "#env")) @eacc
(variable_declarator name: (object_pattern) @destr.pattern value: (_) @destr.value)
"""

# The rarer forms (casts, aliases, the env given to calls, destructured contexts, `Pick<Env, ...>`),
# matched in a second walk only when a byte search finds one may be there (`may_have_rare_forms`),
# so that the many files that read the env plainly pay nothing for them.
RARE_PATTERNS = """
(import_statement (import_clause (identifier) @impd.name) source: (string (string_fragment) @impd.src))
(import_statement (import_clause (namespace_import (identifier) @impn.name)) source: (string (string_fragment) @impn.src))
(type_alias_declaration name: (type_identifier) @ctxalias.name value: (generic_type name: (_) @ctxalias.base)
                        (#match? @ctxalias.base "Context$"))
(required_parameter pattern: (_) @param.pattern
  type: (type_annotation (generic_type name: (type_identifier) @param.typename)) @param.type
  (#any-of? @param.typename "Pick" "Omit" "Partial" "Readonly" "Required")) @param
(required_parameter pattern: (object_pattern [(shorthand_property_identifier_pattern) @dparam.key
                                              (pair_pattern key: (property_identifier) @dparam.key)]) @dparam.pattern
  (#eq? @dparam.key "env")) @dparam
(member_expression object: [(parenthesized_expression) (non_null_expression)] @cast.obj
                   property: (property_identifier) @cast.prop) @cast
(subscript_expression object: [(parenthesized_expression) (non_null_expression)] @csub.obj index: (_) @csub.index) @csub
(variable_declarator name: (identifier) @al.name
                     value: [(identifier) (parenthesized_expression) (as_expression) (non_null_expression)
                             (satisfies_expression)] @al.value)
(variable_declarator name: (identifier) @al.name
                     value: (member_expression property: (property_identifier) @al.prop) @al.value
                     (#eq? @al.prop "env"))
(arguments (identifier) @arg.id (#any-of? @arg.id "env" "e" "workerEnv" "bindings")) @arg.args
(arguments [(member_expression property: (property_identifier) @argm.prop)
            (parenthesized_expression) (as_expression) (non_null_expression)] @argm.node
           (#eq? @argm.prop "env")) @argm.args
"""
# Where the env is a value of its own (not `env.X`): `(env as any)`, `env!`, `const e = env;`,
# `helper(req, env)`, `({ request, env })`, `{ env: e }`. A literal first, so the search is fast.
# `default` alone is a reserved word, never a parameter: `defaultValue`, `fallback`, `def`, `dflt`, `otherwise`
_FALLBACK_WORDS = re.compile(rb"(?i)fallback|default[\w$]|\bdef\b|\bdflt\b|otherwise|orelse")
_FALLBACK_PARAM = re.compile(r"^(?:fallback\w*|default\w*|def|dflt|otherwise|orElse)$", re.I)
_DEFAULT_HELPER = re.compile(r"Or(?:Default|Else|Fallback)?$|^(?:or|with|get)?[Dd]efault|[Ff]allback|^parse\w*Or")
_RARE_ENV = re.compile(rb"env\s*(?:as\b|!|[,)}]|:\s*[{a-z_$]|[;\n])")
# A function that may return the env: declared to return a `...Env`/`...Bindings` type, or returning `x.env`.
_RETURNS_ENV_TYPE = re.compile(rb"\):\s*(?:Readonly<\s*)?[\w$.]*(?:Env|Bindings)\b")
_RETURNS_X_ENV = re.compile(rb"(?:return|=>)\s*\(?\s*[\w$]+\.env\b")


def may_return_env(data: bytes) -> bool:
    """False only when no function of the file can return the env: none is declared to return a `...Env`/`...Bindings`
    type (`): AppBindings {`) and none returns `x.env` (searches led by literals: fast on large files)."""
    return (b".env" in data and _RETURNS_X_ENV.search(data) is not None) or _RETURNS_ENV_TYPE.search(data) is not None
_CONTEXT_ALIAS = re.compile(rb"type\s+[\w$]+\s*=\s*(?:[\w$]+\.)*[\w$]*Context<")
_TYPE_WRAPPER_BYTES = (b"Pick<", b"Omit<", b"Partial<", b"Readonly<", b"Required<")
_IDENT_BYTES = frozenset(b"abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_$.")


def _is_alias_value(data: bytes, start: int) -> bool:
    """`x = env;` / `x = c.env;` (an alias), not `{ A, B } = env;` (a destructuring, matched anyway)."""
    i = start - 1
    while i >= 0 and data[i] in _IDENT_BYTES:
        i -= 1
    while i >= 0 and data[i] in b" \t(":
        i -= 1
    if i < 0 or data[i] != ord("="):
        return False
    i -= 1
    while i >= 0 and data[i] in b" \t\r\n":
        i -= 1
    return i >= 0 and data[i] not in b"}]=!<>"


def may_have_rare_forms(data: bytes) -> bool:
    """False only when the file holds none of the forms `RARE_PATTERNS` match (byte searches)."""
    for match in _RARE_ENV.finditer(data):
        if match.group(0)[-1:] not in (b";", b"\n") or _is_alias_value(data, match.start()):
            return True
    if any(w in data for w in _TYPE_WRAPPER_BYTES):
        return True
    return b"Context<" in data and _CONTEXT_ALIAS.search(data) is not None


# Accesses on identifiers, limited (in C, by the query predicate) to the names found to be the env.
_ACCESS_TEXT = """
(member_expression object: (identifier) @acc.obj property: (property_identifier) @acc.prop
                   (#any-of? @acc.obj {names})) @acc
(subscript_expression object: (identifier) @sub.obj index: (_) @sub.index (#any-of? @sub.obj {names})) @sub
(arguments (identifier) @arg.id (#any-of? @arg.id {names})) @arg.args
"""

# Where the env may be put in an object, spread or stored (`{ env }`, `{ ...c.env }`, `x = env`): each occurrence of
# the word is looked at in the tree (no walk of the whole tree).
_ENV_WORD = re.compile(rb"(?:env|workerEnv|bindings)(?![\w$]|\s*(?:\??\.|\[|:|\)|\(|=[^=]))")
_IDENT_TAIL = frozenset(b"abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_$")
# Gates of the look at each `env` word, led by literals (fast): `env,` / `env }` (shorthand, pair value), a spread,
# `x = env;` (not `} = env;`, a destructuring).
_ENV_LISTED = re.compile(rb"nv\s*[,}]")  # `env,` `workerEnv }` (literal-led: fast)
_BINDINGS_LISTED = re.compile(rb"bindings\s*[,}]")
_ENV_END = re.compile(rb"env\s*[;\n]")
_ASSIGNED_BEFORE = re.compile(rb"[\w$\])]\s*=\s*(?:[\w$]+\.)?$")


def _may_embed_env(data: bytes) -> bool:
    if b"..." in data or _BINDINGS_LISTED.search(data):
        return True
    for match in _ENV_LISTED.finditer(data):
        if data[max(0, match.start() - 9) : match.start()].endswith((b"e", b"workerE")):
            return True
    for match in _ENV_END.finditer(data):  # `x = env;`, not `} = env;` (a destructuring)
        if _ASSIGNED_BEFORE.search(data[max(0, match.start() - 60) : match.start()]):
            return True
    return False

# Variables that may hold a context (`const c: Context = ...`, `const c = useRequestContext()`), asked for only
# when `c.env` is read on a name that is no parameter.
_CONTEXT_VARS_TEXT = """
(variable_declarator name: (identifier) @cv.name type: (type_annotation)) @cv
(variable_declarator name: (identifier) @cv.name value: [(call_expression) (await_expression)]) @cv
"""

# The functions of a file by name, asked for only when the env is given to a call.
_FUNCTIONS_TEXT = """
(function_declaration name: (identifier) @fn.name) @fn
(generator_function_declaration name: (identifier) @fn.name) @fn
(variable_declarator name: (identifier) @fn.name value: [(arrow_function) (function_expression)] @fn)
(class_declaration name: (type_identifier) @cls.name) @cls
(export_statement value: [(arrow_function) (function_expression)] @fn.default)
(export_statement "default" declaration: [(function_declaration) (generator_function_declaration)] @fn.default)
"""


@functools.lru_cache(maxsize=2)
def _query(language: Any) -> Query:
    from tree_sitter import Query

    return Query(language, PATTERNS)


@functools.lru_cache(maxsize=2)
def _rare_query(language: Any) -> Query:
    from tree_sitter import Query

    return Query(language, RARE_PATTERNS)


@functools.lru_cache(maxsize=2)
def _functions_query(language: Any) -> Query:
    from tree_sitter import Query

    return Query(language, _FUNCTIONS_TEXT)


@functools.lru_cache(maxsize=2)
def _call_member_query(language: Any) -> Query:
    from tree_sitter import Query

    return Query(language, "(member_expression object: (call_expression function: (identifier)) @cm.call "
                           "property: (property_identifier) @cm.prop) @cm")


@functools.lru_cache(maxsize=2)
def _context_vars_query(language: Any) -> Query:
    from tree_sitter import Query

    return Query(language, _CONTEXT_VARS_TEXT)


@functools.lru_cache(maxsize=64)
def _access_query(language: Any, names: tuple[str, ...]) -> Query:
    from tree_sitter import Query

    quoted = " ".join(json.dumps(n) for n in names)
    return Query(language, _ACCESS_TEXT.format(names=quoted))


def _text(source: SourceFile, node: Node) -> str:
    return source.data[node.start_byte : node.end_byte].decode("utf-8", errors="replace")


def _type_name(source: SourceFile, type_annotation: Node) -> str:
    """The named type of a `: T` annotation without generics (`Context<{...}>` -> `Context`)."""
    node = type_annotation.named_children[0] if type_annotation.named_children else None
    if node is None:
        return ""
    if node.type == "generic_type":
        name = node.child_by_field_name("name")
        return _text(source, name) if name is not None else ""
    if node.type in ("type_identifier", "nested_type_identifier"):
        return _text(source, node)
    return ""


def _unquote(source: SourceFile, node: Node) -> str | None:
    """The value of a plain string literal (or a template with no substitutions), else None."""
    if node.type == "string":
        return "".join(_text(source, c) for c in node.named_children if c.type == "string_fragment") or (
            "" if not node.named_children else None
        )
    if node.type == "template_string" and all(c.type == "string_fragment" for c in node.named_children):
        return "".join(_text(source, c) for c in node.named_children)
    return None


_WRAPPERS = frozenset({"parenthesized_expression", "as_expression", "non_null_expression", "satisfies_expression",
                       "await_expression", "type_assertion"})


def _unwrap(node: Node) -> Node:
    """`(env as any)`, `env!`, `(await x)`, `<any>env` -> the expression inside."""
    while node.type in _WRAPPERS:
        inner = next((c for c in node.named_children if c.type not in ("comment",)), None)
        if inner is None:
            break
        node = inner
    return node


def _same(node: Node | None, other: Node) -> bool:
    return node is not None and node.id == other.id


def _generic_name(source: SourceFile, annotation: Node | None) -> tuple[str, list[Node]]:
    """`: T<A, B>` -> ("T", [A, B]); `: T` -> ("T", [])."""
    node = annotation.named_children[0] if annotation is not None and annotation.named_children else None
    if node is None:
        return "", []
    if node.type == "generic_type":
        name = node.child_by_field_name("name")
        args = node.child_by_field_name("type_arguments")
        return (_text(source, name) if name is not None else "",
                list(args.named_children) if args is not None else [])
    if node.type in ("type_identifier", "nested_type_identifier"):
        return _text(source, node), []
    return "", []


class _Extractor:
    """One file's query matches: env sources first (closed over aliases and calls), then accesses."""

    def __init__(self, source: SourceFile, env_types: frozenset[str]) -> None:
        self.source = source
        self.env_types = env_types
        self.file_sources: dict[str, _Source] = {}
        self.fn_sources: dict[tuple[int, str], _Source] = {}
        self.param_names: dict[int, frozenset[str]] = {}
        self.usages: list[Usage] = []
        self.dynamic: list[DynamicAccess] = []
        self.calls: list[EnvCall] = []
        self.imports: dict[str, tuple[str, str]] = {}  # local name -> (specifier, exported name)
        self.context_types: set[str] = set()
        self.has_fallback_words: bool | None = None  # whether the file names a fallback parameter anywhere
        self.functions: dict[str, list[Node]] | None = None
        self.classes: set[str] = set()
        self.default_functions: list[Node] = []
        self.seen_calls: set[tuple[int, int]] = set()
        self.context_cache: dict[tuple[int, str], _Source | None] = {}
        self.context_vars: dict[str, list[int]] | None = None  # name -> scopes (function ids, -1: the file)
        self.env_returning: dict[str, _Source | None] = {}  # function name -> whether it returns the env
        self.may_return_env: bool | None = None
        self.typed_params: set[tuple[str, int]] = set()  # (function name, parameter index) typed as the env
        self.mentions_hono = b"hono" in source.data

    # -- sources -------------------------------------------------------------------------
    def add_import(self, name: Node, alias: Node | None, src: Node) -> None:
        specifier, exported = _text(self.source, src), _text(self.source, name)
        local = _text(self.source, alias if alias is not None else name)
        if specifier == "cloudflare:workers" and exported == "env":
            self.file_sources[local] = _Source("import", True)
        self.imports[local] = (specifier, exported)

    def add_other_import(self, name: Node, src: Node, exported: str) -> None:
        self.imports[_text(self.source, name)] = (_text(self.source, src), exported)

    def add_handler(self, name: Node, params: Node, fn: Node) -> None:
        if _text(self.source, name) not in HANDLER_NAMES or not self._is_handler_object(fn):
            return
        plist = [p for p in params.named_children if p.type in _PARAMS]
        if len(plist) < 2:
            return
        pattern = plist[1].child_by_field_name("pattern")
        if pattern is None:
            return
        if pattern.type == "identifier":
            self.fn_sources[(fn.id, _text(self.source, pattern))] = _Source("handler", True)
        elif pattern.type == "object_pattern":
            self._pattern_usages(pattern, "parameter", _Source("handler", True))

    def _is_handler_object(self, fn: Node) -> bool:
        obj = fn.parent
        if obj is not None and obj.type == "pair":
            obj = obj.parent
        if obj is None or obj.type != "object":
            return False
        parent = obj.parent
        while parent is not None and parent.type in ("parenthesized_expression", "satisfies_expression",
                                                     "as_expression"):
            if parent.type in ("satisfies_expression", "as_expression") and "ExportedHandler" in _text(
                self.source, parent
            )[obj.end_byte - parent.start_byte :]:
                return True
            parent = parent.parent
        if parent is None:
            return False
        if parent.type == "export_statement":
            return True
        if parent.type == "variable_declarator":
            annotation = parent.child_by_field_name("type")
            if annotation is not None and "ExportedHandler" in _text(self.source, annotation):
                return True
            name = parent.child_by_field_name("name")
            if name is not None and name.type == "identifier":
                pattern = rb"export\s+default\s+" + re.escape(self.source.data[name.start_byte:name.end_byte]) + rb"\b"
                return re.search(pattern, self.source.data) is not None
        return False

    def _is_env_type(self, annotation: Node) -> bool:
        type_name, args = _generic_name(self.source, annotation)
        if type_name in ENV_TYPE_WRAPPERS:
            if not args:
                return False
            first = args[0]
            if first.type == "generic_type":
                inner = first.child_by_field_name("name")
                first = inner if inner is not None else first
            type_name = _text(self.source, first) if first.type in ("type_identifier", "nested_type_identifier") else ""
        return bool(type_name) and (type_name in self.env_types or is_env_type_name(type_name))

    def add_param(self, param: Node, pattern: Node, annotation: Node) -> None:
        fn = self._function_of_param(param)
        if fn is None or not self._is_env_type(annotation):
            return
        name = self._function_name(fn)
        if name is not None:  # another file giving the env here would add nothing
            index = next((i for i, p in enumerate(self._param_list(fn)) if p.id == param.id), -1)
            self.typed_params.add((name, index))
        strong = not self._from_a_package(_type_name(self.source, annotation))
        if pattern.type == "identifier":
            self.fn_sources[(fn.id, _text(self.source, pattern))] = _Source("typed", strong)
        elif pattern.type == "object_pattern":
            self._pattern_usages(pattern, "parameter", _Source("typed", strong))

    def _from_a_package(self, type_name: str) -> bool:
        """`RuntimeEnv` imported from a package (not the project, not `cloudflare:workers`): a library's type whose name
        ends in Env, not the Worker's env (review N: positronic's `env.origin`). Reads through it are weak."""
        specifier = self.imports.get(type_name.split(".", 1)[0], (None, None))[0]
        if specifier is None or specifier.startswith((".", "/", "#", "~", "@/", "cloudflare:")):
            return False
        return not specifier.startswith("@cloudflare/")

    def add_context_alias(self, name: Node) -> None:
        self.context_types.add(_text(self.source, name))

    def add_destructured_context(self, param: Node, pattern: Node) -> None:
        """`({ env }) => ...`, `function onRequest({ request, env: e })`: the env comes out of a context."""
        fn = self._function_of_param(param)
        if fn is None:
            return
        plist = self._param_list(fn)
        index = next((i for i, p in enumerate(plist) if p.id == param.id), -1)
        annotation = param.child_by_field_name("type")
        if annotation is not None:
            strong = self._is_context_type(annotation)
            if not strong and not _generic_name(self.source, annotation)[0]:
                return
        else:
            context = self._context_param(fn)
            strong = context is not None and index == context[0] and context[1]
        src = _Source("context", strong)
        for child in pattern.named_children:
            if child.type == "shorthand_property_identifier_pattern" and _text(self.source, child) == "env":
                self._set_fn_source(fn, "env", src)
            elif child.type == "pair_pattern":
                key, value = child.child_by_field_name("key"), child.child_by_field_name("value")
                if key is None or value is None or _text(self.source, key) != "env":
                    continue
                if value.type == "identifier":
                    self._set_fn_source(fn, _text(self.source, value), src)
                elif value.type == "object_pattern":
                    self._pattern_usages(value, "destructure", src)

    def add_untyped(self, param: Node, name: Node) -> None:
        fn = self._function_of_param(param)
        key = (fn.id, "env") if fn is not None else None
        if key is not None and key not in self.fn_sources:
            self.fn_sources[key] = _Source("untyped", False)

    def _set_fn_source(self, fn: Node | None, name: str, src: _Source) -> bool:
        """Record that `name` is the env in `fn` (the file when None); True when that is news."""
        table: dict[Any, _Source] = self.file_sources if fn is None else self.fn_sources  # type: ignore[assignment]
        key: Any = name if fn is None else (fn.id, name)
        old = table.get(key)
        if old is not None and (old.strong or not src.strong):
            return False
        table[key] = src
        return True

    def _function_name(self, fn: Node) -> str | None:
        """`f` of `function f` / `const f = () => ...`, `default` of `export default function`."""
        name = fn.child_by_field_name("name")
        if name is None and fn.parent is not None and fn.parent.type == "variable_declarator":
            name = fn.parent.child_by_field_name("name")
        if name is not None:
            return _text(self.source, name)
        parent = fn.parent
        return "default" if parent is not None and parent.type == "export_statement" else None

    @staticmethod
    def _function_of_param(param: Node) -> Node | None:
        params = param.parent
        fn = params.parent if params is not None else None
        return fn if fn is not None and fn.type in _FUNCTIONS else None

    @staticmethod
    def _param_list(fn: Node) -> list[Node]:
        params = fn.child_by_field_name("parameters")
        if params is not None:
            return [p for p in params.named_children if p.type in _PARAMS]
        single = fn.child_by_field_name("parameter")
        return [single] if single is not None else []

    @staticmethod
    def _enclosing_function(node: Node) -> Node | None:
        parent = node.parent
        while parent is not None and parent.type not in _FUNCTIONS:
            parent = parent.parent
        return parent

    # -- aliases and calls ---------------------------------------------------------------
    def value_source(self, value: Node) -> _Source | None:
        """Whether an expression is the env itself: `env`, `c.env`, `(env as any)`, `this.env`."""
        value = _unwrap(value)
        if value.type == "identifier":
            return self.env_source(value)
        if value.type == "call_expression":
            return self.returned_env_source(value)
        if value.type == "member_expression":
            prop = value.child_by_field_name("property")
            base = value.child_by_field_name("object")
            if prop is not None and base is not None and _text(self.source, prop) in ("env", "#env"):
                if _text(self.source, prop) == "#env" and _unwrap(base).type != "this":
                    return None
                return self.context_source(base)
        return None

    def returned_env_source(self, call: Node) -> _Source | None:
        """`getBindings(c)` where `getBindings` is a function of this file that returns the env: declared to return
        the env type (`function getBindings(c: Context): AppBindings`), or returning `c.env` (possibly cast); and
        Hono's `env(c)` from hono/adapter."""
        callee = call.child_by_field_name("function")
        if callee is None or callee.type != "identifier":
            return None
        name = _text(self.source, callee)
        if self.imports.get(name) == ("hono/adapter", "env"):
            return _Source("context", True)
        if self.may_return_env is None:
            self.may_return_env = may_return_env(self.source.data)
        if not self.may_return_env:
            return None
        if name not in self.env_returning:
            self.env_returning[name] = None
            for fn in self._functions().get(name, []):
                found = self._returns_env(fn)
                if found is not None:
                    self.env_returning[name] = found
                    break
        return self.env_returning[name]

    def _returns_env(self, fn: Node) -> _Source | None:
        annotation = fn.child_by_field_name("return_type")
        if annotation is not None:
            type_name = _type_name(self.source, annotation)
            if (type_name in self.env_types or is_env_type_name(type_name)) and not self._from_a_package(type_name):
                return _Source("passed", True)  # not `ChildBindings` of a library (pino)
        body = fn.child_by_field_name("body")
        returned: Node | None = None
        if body is not None and body.type != "statement_block":
            returned = body  # `(c) => c.env as AppBindings`
        elif body is not None:
            statements = [c for c in body.named_children if c.type != "comment"]
            if len(statements) == 1 and statements[0].type == "return_statement" and statements[0].named_children:
                returned = statements[0].named_children[0]
        if returned is None:
            return None
        returned = _unwrap(returned)
        if returned.type == "member_expression":
            prop, base = returned.child_by_field_name("property"), returned.child_by_field_name("object")
            if prop is not None and base is not None and _text(self.source, prop) == "env":
                found = self.context_source(base)
                if found is not None:
                    return _Source("passed", found.strong)
                if _unwrap(base).type == "identifier":
                    return _Source("passed", False)  # `(x) => x.env`: a holder mbv cannot prove
        return None

    def add_alias(self, name: Node, value: Node) -> bool:
        """`const e = env`, `const env = c.env`, `const e = env as Env`: `e` is the env too."""
        src = self.value_source(value)
        if src is None:
            return False
        return self._set_fn_source(self._enclosing_function(name), _text(self.source, name),
                                   _Source("alias", src.strong))

    def add_call(self, args: Node, arg: Node) -> bool:
        """The env given whole to a call: a function of this file takes it (True when news), or an `EnvCall`."""
        call = args.parent
        if call is None or call.type not in ("call_expression", "new_expression"):
            return False
        src = self.value_source(arg)
        if src is None:
            return False
        key = (call.id, arg.id)
        if key in self.seen_calls:
            return False
        self.seen_calls.add(key)
        argument = next((i for i, a in enumerate(c for c in args.named_children if c.type != "comment")
                         if a.id == arg.id), 0)
        callee = call.child_by_field_name("function" if call.type == "call_expression" else "constructor")
        if callee is None:
            return False
        callee = _unwrap(callee)
        callee_text = _text(self.source, callee)
        if callee_text in ("Object.entries", "Object.values") and src.strong:
            self._record_dynamic(call)  # every binding's value, by iteration (review AA of badf8a8: 876)
            return False
        if HARMLESS_CALLEES.match(callee_text):
            return False
        line, column = self.source.position(call)
        if callee.type == "identifier":
            functions = self._functions()
            if callee_text in functions:
                changed = False
                for fn in functions[callee_text]:
                    changed |= self.seed(fn, argument, _Source("passed", src.strong))
                return changed
            if callee_text in self.classes:
                return False  # a class of this file: its constructor is read as it is typed
            specifier, exported = self.imports.get(callee_text, (None, None))
            self.calls.append(EnvCall(callee_text, line, column, argument, specifier, exported, src.strong))
            return False
        if callee.type == "member_expression":
            obj = callee.child_by_field_name("object")
            prop = callee.child_by_field_name("property")
            if obj is None or prop is None or obj.type in ("this", "super"):
                return False  # a method of this class
            imported = self.imports.get(_text(self.source, obj)) if obj.type == "identifier" else None
            if imported is not None and imported[1] == "*":
                self.calls.append(EnvCall(callee_text, line, column, argument, imported[0], _text(self.source, prop),
                                          src.strong))
                return False
        self.calls.append(EnvCall(callee_text if len(callee_text) <= 60 else callee_text[:57] + "...",
                                  line, column, argument, None, None, src.strong))
        return False

    def add_embedded(self, holder: Node, value: Node) -> None:
        """`{ env }`, `{ cloudflare: { env } }`, `{ ...env }`: the env inside an object literal. Given to a function of
        this file or of a relative import, that function reads it (not followed: an object, not the env); given to
        anything else, or kept, it may be read anywhere: an `EnvCall` escape."""
        src = self.env_source(holder) if holder.type == "shorthand_property_identifier" else self.value_source(value)
        if src is None:
            return
        obj = holder.parent
        while obj is not None and obj.type in ("object", "pair", "parenthesized_expression"):
            if obj.parent is not None and obj.parent.type in ("arguments", "return_statement", "variable_declarator",
                                                              "assignment_expression", "arrow_function"):
                break
            obj = obj.parent
        call = obj.parent.parent if obj is not None and obj.parent is not None and obj.parent.type == "arguments" \
            else None
        callee = call.child_by_field_name("function" if call.type == "call_expression" else "constructor") \
            if call is not None and call.type in ("call_expression", "new_expression") else None
        if callee is not None:
            name = _text(self.source, _unwrap(callee))
            head = name.split(".", 1)[0]
            specifier = self.imports.get(head, (None, None))[0]
            if name in self._functions() or (specifier is not None and specifier.startswith(".")):
                return  # project code: mbv does not follow the object, and it is no library
        line, column = self.source.position(holder)
        text = _text(self.source, _unwrap(callee)) if callee is not None else "an object literal"
        self.calls.append(EnvCall(text if len(text) <= 60 else text[:57] + "...", line, column, 0, None, None,
                                  src.strong))

    def add_stored(self, assignment: Node, left: Node, value: Node) -> None:
        """`workerEnv = env`, `globalThis.env = env`, `holder.env = c.env`, `let e; e = env`: the env kept where later
        reads are not seen (an escape). `this.env = env` in a class is how `this.env` reads are found, not one."""
        src = self.value_source(value)
        if src is None or (left.type == "member_expression" and _unwrap(left.child_by_field_name("object")
                                                                         or left).type == "this"):
            return
        line, column = self.source.position(assignment)
        text = _text(self.source, left)
        self.calls.append(EnvCall(f"stored in {text if len(text) <= 40 else text[:37] + '...'}", line, column, 0,
                                  None, None, src.strong))

    def _functions(self) -> dict[str, list[Node]]:
        if self.functions is None:
            self.functions = {}
            for _, caps in run_query(self.source, _functions_query(self.source.tree.language)):
                if "fn.default" in caps:
                    self.default_functions.append(caps["fn.default"])
                elif "cls" in caps:
                    self.classes.add(_text(self.source, caps["cls.name"]))
                elif "fn" in caps:
                    self.functions.setdefault(_text(self.source, caps["fn.name"]), []).append(caps["fn"])
        return self.functions

    def seed(self, fn: Node, argument: int, src: _Source) -> bool:
        """Parameter `argument` of `fn` is the env (it is given the env whole)."""
        plist = self._param_list(fn)
        if argument >= len(plist):
            return False
        param = plist[argument]
        pattern = param.child_by_field_name("pattern") if param.type in _PARAMS else param
        if pattern is None:
            return False
        if pattern.type == "identifier":
            return self._set_fn_source(fn, _text(self.source, pattern), src)
        if pattern.type == "object_pattern" and (fn.id, f"{{{argument}}}") not in self.fn_sources:
            self.fn_sources[(fn.id, f"{{{argument}}}")] = src  # the pattern is read once
            self._pattern_usages(pattern, "parameter", src)
        return False

    def seed_export(self, seed: Seed) -> None:
        functions = self._functions()
        targets = self.default_functions if seed.name == "default" else functions.get(seed.name, [])
        for fn in targets:
            self.seed(fn, seed.argument, _Source("passed", seed.strong))

    # -- resolution ----------------------------------------------------------------------
    def _params_of(self, fn: Node) -> frozenset[str]:
        cached = self.param_names.get(fn.id)
        if cached is not None:
            return cached
        names: set[str] = set()
        params = fn.child_by_field_name("parameters")
        if params is not None:
            for p in params.named_children:
                pattern = p.child_by_field_name("pattern") if p.type in _PARAMS else p
                if pattern is not None and pattern.type == "identifier":
                    names.add(_text(self.source, pattern))
        single = fn.child_by_field_name("parameter")  # `x => ...`
        if single is not None and single.type == "identifier":
            names.add(_text(self.source, single))
        result = frozenset(names)
        self.param_names[fn.id] = result
        return result

    def env_source(self, ident: Node) -> _Source | None:
        """Whether identifier `ident` refers to the Worker env, following function scopes."""
        name = _text(self.source, ident)
        node = ident.parent
        while node is not None:
            if node.type in _FUNCTIONS:
                found = self.fn_sources.get((node.id, name))
                if found is not None:
                    return found
                if name in self._params_of(node):
                    return None  # shadowed by an unrelated parameter
            node = node.parent
        return self.file_sources.get(name)

    def this_env_source(self, this: Node) -> _Source | None:
        node = this.parent
        while node is not None:
            if node.type in ("function_declaration", "function_expression", "generator_function_declaration",
                             "function", "generator_function"):
                return None  # `this` is rebound by a plain function
            if node.type in _CLASSES:
                return self._class_source(node)
            node = node.parent
        return None

    def _class_source(self, cls: Node) -> _Source:
        heritage = next((c for c in cls.children if c.type == "class_heritage"), None)
        if heritage is not None:
            text = _text(self.source, heritage)
            bases = set(re.findall(r"[A-Za-z_$][\w$]*", text))
            if bases & ENV_BASE_CLASSES or bases & self.env_types or any(map(is_env_type_name, bases)):
                return _Source("this.env", True)
        body = cls.child_by_field_name("body")
        if body is not None and re.search(
            r"\benv\s*[?!]?\s*:\s*(?:Cloudflare\.)?(" + "|".join(re.escape(t) for t in self.env_types) + r")\b",
            _text(self.source, body),
        ):
            return _Source("this.env", True)
        return _Source("this.env", False)

    def context_source(self, base: Node) -> _Source | None:
        """Whether `base` in `base.env` is something whose `env` is the Worker env."""
        base = _unwrap(base)
        if base.type == "this":
            return self.this_env_source(base)
        if base.type == "member_expression":
            prop = base.child_by_field_name("property")
            if prop is not None and _text(self.source, prop) in FRAMEWORK_ENV_HOLDERS:
                return _Source("context", True)
            return None
        if base.type == "call_expression":
            return _Source("context", True) if self._is_context_call(base) else None
        if base.type != "identifier":
            return None
        name = _text(self.source, base)
        if name == "process":  # with nodejs_compat (2025-04-01 on) vars and secrets are in process.env too
            return _Source("process.env", False)
        node = base.parent
        while node is not None:
            if node.type in _FUNCTIONS and name in self._params_of(node):
                key = (node.id, name)
                if key not in self.context_cache:  # every `c.env.X` of one callback asks the same
                    self.context_cache[key] = self._context_param_source(node, name)
                return self.context_cache[key]
            node = node.parent
        return self._context_variable(base, name)

    def _is_context_call(self, call: Node) -> bool:
        """`getCloudflareContext()`, `useRequestContext()` (hono/jsx), `getContext()` in a file that mentions hono."""
        callee = call.child_by_field_name("function")
        name = _text(self.source, callee).split("<", 1)[0].rsplit(".", 1)[-1] if callee is not None else ""
        return name in CONTEXT_FUNCTIONS or (self.mentions_hono and name in HONO_CONTEXT_FUNCTIONS)

    def _context_variable(self, use: Node, name: str) -> _Source | None:
        """`const c: Context = ...` or `const c = useRequestContext()` in a scope around `use`: `c.env` is the env."""
        if self.context_vars is None:
            self.context_vars = {}
            if b"Context" in self.source.data:
                for _, caps in run_query(self.source, _context_vars_query(self.source.tree.language)):
                    declarator = caps["cv"]
                    annotation = declarator.child_by_field_name("type")
                    value = declarator.child_by_field_name("value")
                    if (annotation is not None and self._is_context_type(annotation)) or (
                            value is not None and _unwrap(value).type == "call_expression"
                            and self._is_context_call(_unwrap(value))):
                        scope = self._enclosing_function(declarator)
                        self.context_vars.setdefault(_text(self.source, caps["cv.name"]), []).append(
                            scope.id if scope is not None else -1)
        scopes = self.context_vars.get(name)
        if not scopes:
            return None
        node: Node | None = use.parent
        while node is not None:
            if node.type in _FUNCTIONS and node.id in scopes:
                return _Source("context", True)
            node = node.parent
        return _Source("context", True) if -1 in scopes else None

    def _is_context_type(self, annotation: Node) -> bool:
        type_name = _type_name(self.source, annotation)
        return type_name.endswith("Context") or type_name in self.context_types

    def _context_param(self, fn: Node) -> tuple[int, bool] | None:
        """Which parameter of `fn` is a context, and whether that is proven: of a typed handler or a Pages
        Functions export (proven), of a route callback in a file that mentions hono (`(err, c)` of `onError`)."""
        handler = self._handler_type(fn)
        if handler is not None:
            return (1 if handler == "ErrorHandler" else 0), True
        if self._is_pages_handler(fn):
            return 0, True
        route = self._route_method(fn)
        if route is not None:
            return (1 if route == "onError" else 0), self.mentions_hono
        if self.mentions_hono:
            index = self._hono_callback(fn)
            if index is not None:
                return index, True
        return None

    def _hono_callback(self, fn: Node) -> int | None:
        """The context's position among the parameters of a Hono option callback or validator hook, if `fn` is one."""
        parent = fn.parent
        key: str | None = None
        if parent is not None and parent.type == "pair":
            key_node = parent.child_by_field_name("key")
            key = _text(self.source, key_node) if key_node is not None else None
            obj = parent.parent
            parent = obj.parent if obj is not None and obj.type == "object" else None
        call = parent.parent if parent is not None and parent.type == "arguments" else None
        if call is None or call.type != "call_expression":
            return None
        callee = call.child_by_field_name("function")
        name = _text(self.source, callee).rsplit(".", 1)[-1] if callee is not None else ""
        if key is None:
            return 1 if name in HONO_VALIDATORS else None
        return HONO_OPTION_CALLBACKS.get((name, key))

    def _handler_type(self, fn: Node) -> str | None:
        """`const mw: MiddlewareHandler<AppEnv> = async (c, next) => ...` (also `PagesFunction<Env>`), or the
        function returned by one declared to return it: `function f(): MiddlewareHandler<E> { return async (c, next)
        => ... }`, `const f = (): MiddlewareHandler<E> => async (c) => ...`."""
        child, parent = fn, fn.parent
        while parent is not None and parent.type == "parenthesized_expression":
            child, parent = parent, parent.parent
        if parent is None:
            return None
        if parent.type == "variable_declarator":
            annotation = parent.child_by_field_name("type")
        elif parent.type == "return_statement" or (parent.type in _FUNCTIONS
                                                   and _same(parent.child_by_field_name("body"), child)):
            outer = parent if parent.type in _FUNCTIONS else self._enclosing_function(parent)
            annotation = outer.child_by_field_name("return_type") if outer is not None else None
        else:
            return None
        name = _generic_name(self.source, annotation)[0].rsplit(".", 1)[-1]
        return name if name in HANDLER_TYPE_NAMES else None

    def _is_pages_handler(self, fn: Node) -> bool:
        """A Pages Functions export: `export async function onRequestGet(context)` or `export const onRequest = ...`."""
        name = fn.child_by_field_name("name")
        if name is None and fn.parent is not None and fn.parent.type == "variable_declarator":
            name = fn.parent.child_by_field_name("name")
        return name is not None and _text(self.source, name).startswith("onRequest")

    def _context_param_source(self, fn: Node, name: str) -> _Source | None:
        plist = self._param_list(fn)
        for index, p in enumerate(plist):
            pattern = p.child_by_field_name("pattern") if p.type in _PARAMS else p
            if pattern is None or _text(self.source, pattern) != name:
                continue
            annotation = p.child_by_field_name("type") if p.type in _PARAMS else None
            if annotation is not None:
                if self._is_context_type(annotation):
                    return _Source("context", True)
                return None  # typed as something else: not a context
            context = self._context_param(fn)
            if context is not None and index == context[0]:
                return _Source("context", context[1])
            if fn.parent is not None and fn.parent.type in ("arguments", "pair"):
                return _Source("context", False)  # `x.env.X` in some callback: maybe the env, never proven
            return None
        return None

    def _route_method(self, fn: Node) -> str | None:
        """`get` for `app.get(path, (c) => ...)` (also `createMiddleware((c, next) => ...)`), None otherwise."""
        args = fn.parent
        call = args.parent if args is not None and args.type == "arguments" else None
        if call is None or call.type != "call_expression":
            return None
        callee = call.child_by_field_name("function")
        if callee is not None and callee.type == "member_expression":
            callee = callee.child_by_field_name("property")
        elif callee is not None and callee.type != "identifier":
            callee = None
        name = _text(self.source, callee) if callee is not None else ""
        return name if name in ROUTE_METHODS else None

    # -- accesses ------------------------------------------------------------------------
    def _record(self, name: str, node: Node, form: str, src: _Source, guarded: bool = False) -> None:
        line, column = self.source.position(node)
        self.usages.append(Usage(name, line, column, form, src.via, src.strong, guarded))

    def _record_dynamic(self, node: Node) -> None:
        line, column = self.source.position(node)
        text = _text(self.source, node)
        self.dynamic.append(DynamicAccess(text if len(text) <= 80 else text[:77] + "...", line, column))

    @staticmethod
    def _is_assigned(acc: Node) -> bool:
        """`env.X = ...`, `env.X ??= ...`, `delete env.X`: a write, not a read."""
        parent = acc.parent
        if parent is None:
            return False
        if parent.type in ("assignment_expression", "augmented_assignment_expression"):
            left = parent.child_by_field_name("left")
            return left is not None and left.id == acc.id
        if parent.type == "unary_expression":
            op = parent.child_by_field_name("operator")
            return op is not None and op.type == "delete"
        return False

    def _is_guarded(self, acc: Node) -> bool:
        """The code checks whether the binding is there before (or instead of) relying on it:
        `env.X ?? d`, `env.X || d`, `env.X && ...`, `env?.X`, `env.X?.y`, `if (a && env.X)`,
        `!env.X`, `typeof env.X`, `env.X === undefined`, `env.X ? a : b`."""
        if any(c.type in ("optional_chain", "?.") for c in acc.children):
            return True  # `env?.X`: written for a value that may be missing
        node, parent = acc, acc.parent
        if parent is not None and parent.type in ("member_expression", "subscript_expression", "call_expression"):
            head = parent.child_by_field_name("object" if parent.type != "call_expression" else "function")
            if head is not None and head.id == node.id and any(c.type in ("optional_chain", "?.")
                                                                for c in parent.children):
                return True
        while parent is not None:
            if parent.type in ("parenthesized_expression", "non_null_expression", "as_expression",
                               "satisfies_expression"):
                node, parent = parent, parent.parent
                continue
            if parent.type == "binary_expression":
                op = parent.child_by_field_name("operator")
                left, right = parent.child_by_field_name("left"), parent.child_by_field_name("right")
                op_text = op.type if op is not None else ""
                is_left = left is not None and left.id == node.id
                if op_text in ("??", "||", "&&") and is_left:
                    return True
                if op_text in ("&&", "||"):  # the right of `a && env.X`: a test when the whole is one
                    node, parent = parent, parent.parent
                    continue
                if op_text in ("===", "!==", "==", "!="):
                    # `env.X === undefined`, and a flag compared with a string (`env.FLAG === 'true'`): absent, the
                    # comparison is simply false (review P: trend_diary's EDGE_CACHE_DISABLED)
                    other = right if is_left else left
                    return other is not None and (_text(self.source, other) in ("undefined", "null")
                                                  or other.type in ("string", "template_string"))
                return False
            if parent.type == "unary_expression":
                op = parent.child_by_field_name("operator")
                return op is not None and op.type in ("!", "typeof")
            if parent.type in ("if_statement", "while_statement"):
                return True
            if parent.type == "ternary_expression":
                condition = parent.child_by_field_name("condition")
                return condition is not None and condition.id == node.id
            if parent.type == "variable_declarator":
                return self._is_tested_later(parent)
            if parent.type == "arguments":
                return self._is_default_call(parent, node)
            if parent.type == "array":  # `[env.A, env.B].filter(Boolean)`: the missing ones are dropped (review Z)
                holder = parent.parent
                prop = holder.child_by_field_name("property") if holder is not None and \
                    holder.type == "member_expression" else None
                return prop is not None and _text(self.source, prop) == "filter"
            return False
        return False

    def _is_default_call(self, arguments: Node, node: Node) -> bool:
        """`stringOr(env.X, "")`, `parseIntOrDefault(env.N, 100)`, `withDefault(env.X, d)`: a helper named for a
        fallback, given the read and a default after it (review Y of 43535be: passage); `Boolean(env.X)`."""
        call = arguments.parent
        callee = call.child_by_field_name("function") if call is not None and call.type == "call_expression" else None
        if callee is None:
            return False
        name = _text(self.source, callee).rsplit(".", 1)[-1]
        args = arguments.named_children
        if name == "Boolean":  # `Boolean(env.X)`: whether it is set (review AB of badf8a8: ekodi-platform)
            return len(args) == 1
        if len(args) < 2 or args[0].id != node.id:
            return False
        if _DEFAULT_HELPER.search(name):
            return True
        # a function of this file whose next parameter is the fallback: `intValue(value, fallback, min, max)`;
        # the file's functions are looked up only when its bytes hold such a parameter name (one search per file)
        if self.has_fallback_words is None:
            self.has_fallback_words = _FALLBACK_WORDS.search(self.source.data) is not None
        return self.has_fallback_words and any(_FALLBACK_PARAM.match(p) for fn in self._functions().get(name, [])
                                               for p in self._param_list_names(fn)[1:])

    def _param_list_names(self, fn: Node) -> list[str]:
        params = fn.child_by_field_name("parameters")
        names = []
        for p in params.named_children if params is not None else []:
            pattern = p.child_by_field_name("pattern") if p.type in _PARAMS else p
            if pattern is not None and pattern.type == "assignment_pattern":
                pattern = pattern.child_by_field_name("left")
            names.append(_text(self.source, pattern) if pattern is not None else "")
        return names

    def _is_tested_later(self, declarator: Node) -> bool:
        """`const key = env.KEY; if (!key) ...`: the value is checked under the name it was given."""
        name = declarator.child_by_field_name("name")
        if name is None or name.type != "identifier":
            return False
        return self._tested_after(name, declarator.end_byte)

    def _tested_after(self, name: Node, start: int) -> bool:
        """Whether the local `name` is tested (`!name`, `name ??`, `if (name)`, ...) after `start` in its function."""
        scope = self._enclosing_function(name)
        end = scope.end_byte if scope is not None else len(self.source.data)
        ident = re.escape(self.source.data[name.start_byte : name.end_byte])
        test = rb"(?:!\s*|typeof\s+)" + ident + rb"\b|\b" + ident + rb"\s*(?:\?\?|\|\||&&|[!=]==?\s*(?:undefined|null)\b|\?\.)" \
            + rb"|\bif\s*\(\s*" + ident + rb"\s*\)"
        return re.search(test, self.source.data[start:end]) is not None

    def member(self, acc: Node, prop: Node, src: _Source) -> None:
        if self._is_assigned(acc):  # not a read; the code provides the name itself (`env.HYPERDRIVE = {...}`)
            self._record(_text(self.source, prop), prop, "assigned", src)
            return
        optional = any(c.type == "optional_chain" for c in acc.children)
        name = _text(self.source, prop)
        guarded = self._is_guarded(acc) or self._optional_in_cast(acc, name)
        self._record(name, prop, "optional" if optional else "member", src, guarded)

    def _optional_in_cast(self, acc: Node, name: str) -> bool:
        """`(env as unknown as { DRY_RUN?: string }).DRY_RUN`: the cast's own type says it may be absent."""
        obj = acc.child_by_field_name("object")
        while obj is not None and obj.type in ("parenthesized_expression", "non_null_expression"):
            obj = obj.named_children[0] if obj.named_children else None
        if obj is None or obj.type not in ("as_expression", "satisfies_expression") or not obj.named_children:
            return False
        cast = obj.named_children[-1]
        if cast.type != "object_type":
            return False
        for member in cast.named_children:
            key = member.child_by_field_name("name") if member.type == "property_signature" else None
            if key is not None and _text(self.source, key).strip("'\"") == name:
                return any(c.type == "?" for c in member.children)
        return False

    def subscript(self, acc: Node, index: Node, src: _Source) -> None:
        if self._is_assigned(acc):
            key = _unquote(self.source, index)
            if key:
                self._record(key, index, "assigned", src)
            return
        key = _unquote(self.source, index)
        if key is None:
            if src.strong or src.via == "process.env":  # `process.env[key]` may read any var (review N: aiocatalogs)
                self._record_dynamic(acc)
        elif key:
            self._record(key, index, "subscript", src, self._is_guarded(acc))

    def _pattern_usages(self, pattern: Node, form: str, src: _Source) -> None:
        for child in pattern.named_children:
            if child.type == "shorthand_property_identifier_pattern":
                # `const { A } = env; if (!A) ...`: checked under its own name (review S: loe-vibecode)
                self._record(_text(self.source, child), child, form, src, self._tested_after(child, pattern.end_byte))
            elif child.type == "pair_pattern":
                key = child.child_by_field_name("key")
                if key is None:
                    continue
                value = child.child_by_field_name("value")
                guarded = value is not None and (value.type == "assignment_pattern" or (
                    value.type == "identifier" and self._tested_after(value, pattern.end_byte)))
                if key.type in ("property_identifier", "identifier"):
                    self._record(_text(self.source, key), key, form, src, guarded)
                elif key.type == "string":
                    name = _unquote(self.source, key)
                    if name:
                        self._record(name, key, form, src, guarded)
                elif src.strong:
                    self._record_dynamic(child)
            elif child.type == "object_assignment_pattern":
                left = child.child_by_field_name("left")
                if left is not None and left.type == "shorthand_property_identifier_pattern":
                    self._record(_text(self.source, left), left, form, src, True)
            elif child.type == "rest_pattern" and src.strong:
                self._record_dynamic(child)

    def destructure(self, pattern: Node, value: Node) -> None:
        src = self.value_source(value)
        if src is not None:
            self._pattern_usages(pattern, "destructure", src)

    def destructure_holder(self, pattern: Node, value: Node) -> bool:
        """`const { env } = c`, `const { env: e } = context`: the env comes out of a context (True when news)."""
        changed = False
        for child in pattern.named_children:
            if child.type == "shorthand_property_identifier_pattern" and _text(self.source, child) == "env":
                holder = self._holder_source(_unwrap(value))
                if holder is not None:
                    changed |= self._set_fn_source(self._enclosing_function(pattern), "env", holder)
            elif child.type == "pair_pattern":
                key, inner = child.child_by_field_name("key"), child.child_by_field_name("value")
                if key is None or inner is None or _text(self.source, key) != "env":
                    continue
                holder = self._holder_source(_unwrap(value))
                if holder is None:
                    continue
                if inner.type == "identifier":
                    changed |= self._set_fn_source(self._enclosing_function(pattern), _text(self.source, inner), holder)
                elif inner.type == "object_pattern" and (pattern.id, "{env}") not in self.fn_sources:
                    self.fn_sources[(pattern.id, "{env}")] = holder
                    self._pattern_usages(inner, "destructure", holder)
        return changed

    def _holder_source(self, target: Node) -> _Source | None:
        found = self.context_source(target)
        if found is not None:
            return _Source("context", found.strong)
        return _Source("context", False) if target.type in ("identifier", "member_expression") else None


# The capture that names each pattern, most frequent first (envdecl's patterns share the query).
_TAGS = ("eacc", "acc", "destr.pattern", "param", "sub", "esub", "iface", "alias", "gen", "handler.fn", "untyped",
         "imp.name", "arg.args", "argm.args", "al.name", "cast", "csub", "dparam", "impd.name", "impn.name",
         "ctxalias.name")


def _by_tag(matches: list[tuple[int, dict[str, Node]]]) -> dict[str, list[dict[str, Node]]]:
    """The matches grouped by the pattern that made them (one look at each match)."""
    found: dict[str, list[dict[str, Node]]] = {tag: [] for tag in _TAGS}
    for _, caps in matches:
        for tag in _TAGS:
            if tag in caps:
                found[tag].append(caps)
                break
    return found


def extract_env_facts(
    source: SourceFile,
    extra_env_types: frozenset[str] = frozenset(),
    matches: list[tuple[int, dict[str, Node]]] | None = None,
    seeds: tuple[Seed, ...] = (),
) -> tuple[list[Usage], list[DynamicAccess], list[EnvCall], frozenset[tuple[str, int]]]:
    """Binding usages, dynamic env accesses, calls given the env whole, and the (function name,
    parameter index) pairs already typed as the env, in one parsed file.

    `extra_env_types` names more env types (e.g. the `B` of a `Hono<{ Bindings: B }>` in the file).
    `matches` are those of a query holding `PATTERNS` (shared with other extractors to walk the
    tree once); by default the query is run here. `seeds` are this file's functions another file
    gives the env (see `EnvCall`).
    """
    ex = _Extractor(source, ENV_TYPE_NAMES | extra_env_types)
    if matches is None:
        matches = run_query(source, _query(source.tree.language))
    matches = list(matches)
    if seeds or may_have_rare_forms(source.data):
        matches += run_query(source, _rare_query(source.tree.language))
    found = _by_tag(matches)
    # pass 1: where the env comes from
    for caps in found["imp.name"]:
        ex.add_import(caps["imp.name"], caps.get("imp.alias"), caps["imp.src"])
    for caps in found["impd.name"]:
        ex.add_other_import(caps["impd.name"], caps["impd.src"], "default")
    for caps in found["impn.name"]:
        ex.add_other_import(caps["impn.name"], caps["impn.src"], "*")
    for caps in found["ctxalias.name"]:
        ex.add_context_alias(caps["ctxalias.name"])
    for caps in found["handler.fn"]:
        ex.add_handler(caps["handler.name"], caps["handler.params"], caps["handler.fn"])
    for caps in found["param"]:
        ex.add_param(caps["param"], caps["param.pattern"], caps["param.type"])
    for caps in found["dparam"]:
        ex.add_destructured_context(caps["dparam"], caps["dparam.pattern"])
    for seed in seeds:
        ex.seed_export(seed)
    for caps in found["untyped"]:
        ex.add_untyped(caps["untyped"], caps["untyped.name"])
    # close over aliases (`const e = env`, `const { env } = c`) and calls of this file's functions
    queried: set[str] = set(COMMON_ENV_NAMES)
    for _ in range(6):
        changed = False
        for caps in found["al.name"]:
            changed |= ex.add_alias(caps["al.name"], caps["al.value"])
        for caps in found["destr.pattern"]:
            changed |= ex.destructure_holder(caps["destr.pattern"], caps["destr.value"])
        for caps in found["arg.args"]:
            changed |= ex.add_call(caps["arg.args"], caps["arg.id"])
        for caps in found["argm.args"]:
            changed |= ex.add_call(caps["argm.args"], caps["argm.node"])
        names = {*ex.file_sources, *(name for _, name in ex.fn_sources)} - queried
        names = {n for n in names if re.fullmatch(r"[A-Za-z_$][\w$]*", n)}
        if names:
            queried |= names
            more = _by_tag(run_query(source, _access_query(source.tree.language, tuple(sorted(names)))))
            for tag, items in more.items():
                found[tag].extend(items)
            changed = True
        if not changed:
            break
    # the env put in an object or stored: whoever reads that object later is not seen (an escape, as a library call)
    for match in _ENV_WORD.finditer(source.data) if _may_embed_env(source.data) else ():
        if match.start() > 0 and source.data[match.start() - 1] in _IDENT_TAIL:
            continue  # part of a longer name (`myenv`)
        node = source.root.descendant_for_byte_range(match.start(), match.end())
        if node is None:
            continue
        if node.type == "shorthand_property_identifier":
            if node.parent is not None and node.parent.type == "object":
                ex.add_embedded(node, node)
            continue
        value = node.parent if node.type == "property_identifier" and node.parent is not None else node
        if value.type not in ("identifier", "member_expression") or value.parent is None:
            continue
        holder = value.parent
        if (holder.type == "pair" and _same(holder.child_by_field_name("value"), value)) \
                or holder.type == "spread_element":
            ex.add_embedded(holder, value)
        elif holder.type == "assignment_expression" and _same(holder.child_by_field_name("right"), value):
            left = holder.child_by_field_name("left")
            if left is not None:
                ex.add_stored(holder, left, value)
    # pass 2: accesses
    for caps in found["acc"]:
        src = ex.env_source(caps["acc.obj"])
        if src is not None:
            ex.member(caps["acc"], caps["acc.prop"], src)
    for caps in found["sub"]:
        src = ex.env_source(caps["sub.obj"])
        if src is not None:
            ex.subscript(caps["sub"], caps["sub.index"], src)
    for caps in found["eacc"]:
        src = ex.context_source(caps["eacc.base"])
        if src is not None:
            ex.member(caps["eacc"], caps["eacc.prop"], src)
    for caps in found["esub"]:
        src = ex.context_source(caps["esub.base"])
        if src is not None:
            ex.subscript(caps["esub"], caps["esub.index"], src)
    for caps in found["cast"]:
        src = ex.value_source(caps["cast.obj"])
        if src is not None:
            ex.member(caps["cast"], caps["cast.prop"], src)
    for caps in found["csub"]:
        src = ex.value_source(caps["csub.obj"])
        if src is not None:
            ex.subscript(caps["csub"], caps["csub.index"], src)
    for caps in found["destr.pattern"]:
        ex.destructure(caps["destr.pattern"], caps["destr.value"])
    if b"hono/adapter" in source.data or may_return_env(source.data):  # `getBindings(c).DB`, `env(c).X`
        for _, caps in run_query(source, _call_member_query(source.tree.language)):
            src = ex.returned_env_source(caps["cm.call"])
            if src is not None:
                ex.member(caps["cm"], caps["cm.prop"], src)
    usages = sorted(set(ex.usages), key=lambda u: (u.line, u.column, u.name))
    dynamic = sorted(set(ex.dynamic), key=lambda d: (d.line, d.column))
    calls = sorted(set(ex.calls), key=lambda c: (c.line, c.column))
    return usages, dynamic, calls, frozenset(ex.typed_params)


def extract_usages(
    source: SourceFile,
    extra_env_types: frozenset[str] = frozenset(),
    matches: list[tuple[int, dict[str, Node]]] | None = None,
) -> tuple[list[Usage], list[DynamicAccess]]:
    """Binding usages and dynamic env accesses in one parsed file, in document order (see `extract_env_facts`)."""
    usages, dynamic, _, _ = extract_env_facts(source, extra_env_types, matches)
    return usages, dynamic


def run_query(source: SourceFile, query: Query) -> list[tuple[int, dict[str, Node]]]:
    """A query's matches over the whole file, each capture name mapped to its (first) node."""
    from tree_sitter import QueryCursor

    return [(index, {name: nodes[0] for name, nodes in caps.items() if nodes})
            for index, caps in QueryCursor(query).matches(source.root)]
