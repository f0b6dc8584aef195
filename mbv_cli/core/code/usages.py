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
- `c.env` where `c` is a Hono context: typed `Context`, or the first parameter of a route
  callback (`app.get(path, (c) => ...)`) in a file that imports hono.

Accesses: `env.X`, `env?.X`, `env["X"]`, destructuring `const { X, Y: y } = env` and destructured
parameters typed with the env type. A computed key (`env[name]`) is recorded as a `DynamicAccess`
and never guessed. Accesses that look like the env but are not proven (an untyped parameter named
`env`, `this.env` in another class, `x.env` in any callback) are kept as *weak* usages: they stop
"declared but never used" reports but never raise "used but not declared".
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
    "notFound", "fire", "handle", "createHandlers", "createMiddleware",
})
NOT_ENV_TYPE_NAMES = frozenset({"ProcessEnv", "ImportMetaEnv", "NodeJS.ProcessEnv", "HonoEnv"})


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
    form: str  # "member", "optional", "subscript", "destructure", "parameter"
    via: str  # "handler", "typed", "import", "this.env", "context", "untyped"
    strong: bool = True

    def to_dict(self) -> dict[str, Any]:
        return {"name": self.name, "line": self.line, "column": self.column, "form": self.form,
                "via": self.via, "strong": self.strong}


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
(variable_declarator name: (object_pattern) @destr.pattern value: (_) @destr.value)
"""


# Accesses on identifiers, limited (in C, by the query predicate) to the names found to be the env.
_ACCESS_TEXT = """
(member_expression object: (identifier) @acc.obj property: (property_identifier) @acc.prop
                   (#any-of? @acc.obj {names})) @acc
(subscript_expression object: (identifier) @sub.obj index: (_) @sub.index (#any-of? @sub.obj {names})) @sub
"""


@functools.lru_cache(maxsize=2)
def _query(language: Any) -> Query:
    from tree_sitter import Query

    return Query(language, PATTERNS)


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


class _Extractor:
    """One pass over one file's query matches: env sources first, then accesses."""

    def __init__(self, source: SourceFile, env_types: frozenset[str]) -> None:
        self.source = source
        self.env_types = env_types
        self.file_sources: dict[str, _Source] = {}
        self.fn_sources: dict[tuple[int, str], _Source] = {}
        self.param_names: dict[int, frozenset[str]] = {}
        self.usages: list[Usage] = []
        self.dynamic: list[DynamicAccess] = []
        self.mentions_hono = b"hono" in source.data

    # -- sources -------------------------------------------------------------------------
    def add_import(self, name: Node, alias: Node | None, src: Node) -> None:
        if _text(self.source, src) == "cloudflare:workers" and _text(self.source, name) == "env":
            local = _text(self.source, alias if alias is not None else name)
            self.file_sources[local] = _Source("import", True)

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

    def add_param(self, param: Node, pattern: Node, annotation: Node) -> None:
        type_name = _type_name(self.source, annotation)
        fn = self._function_of_param(param)
        if fn is None:
            return
        if type_name in self.env_types or is_env_type_name(type_name):
            if pattern.type == "identifier":
                self.fn_sources[(fn.id, _text(self.source, pattern))] = _Source("typed", True)
            elif pattern.type == "object_pattern":
                self._pattern_usages(pattern, "parameter", _Source("typed", True))

    def add_untyped(self, param: Node, name: Node) -> None:
        fn = self._function_of_param(param)
        key = (fn.id, "env") if fn is not None else None
        if key is not None and key not in self.fn_sources:
            self.fn_sources[key] = _Source("untyped", False)

    @staticmethod
    def _function_of_param(param: Node) -> Node | None:
        params = param.parent
        fn = params.parent if params is not None else None
        return fn if fn is not None and fn.type in _FUNCTIONS else None

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
        if base.type == "this":
            return self.this_env_source(base)
        if base.type != "identifier":
            return None
        name = _text(self.source, base)
        node = base.parent
        while node is not None:
            if node.type in _FUNCTIONS and name in self._params_of(node):
                return self._context_param_source(node, name)
            node = node.parent
        return None

    def _context_param_source(self, fn: Node, name: str) -> _Source | None:
        params = fn.child_by_field_name("parameters")
        plist = [p for p in params.named_children if p.type in _PARAMS] if params is not None else []
        for index, p in enumerate(plist):
            pattern = p.child_by_field_name("pattern")
            if pattern is None or _text(self.source, pattern) != name:
                continue
            annotation = p.child_by_field_name("type")
            if annotation is not None:
                type_name = _type_name(self.source, annotation)
                if type_name == "Context" or type_name.endswith(".Context"):
                    return _Source("context", True)
                return None  # typed as something else: not a Hono context
            if index == 0 and self._is_route_callback(fn):
                return _Source("context", self.mentions_hono)
            return None
        if fn.child_by_field_name("parameter") is not None and self._is_route_callback(fn):
            return _Source("context", self.mentions_hono)
        return None

    def _is_route_callback(self, fn: Node) -> bool:
        args = fn.parent
        call = args.parent if args is not None and args.type == "arguments" else None
        if call is None or call.type != "call_expression":
            return False
        callee = call.child_by_field_name("function")
        if callee is None:
            return False
        if callee.type == "member_expression":
            prop = callee.child_by_field_name("property")
            return prop is not None and _text(self.source, prop) in ROUTE_METHODS
        return callee.type == "identifier" and _text(self.source, callee) in ROUTE_METHODS

    # -- accesses ------------------------------------------------------------------------
    def _record(self, name: str, node: Node, form: str, src: _Source) -> None:
        line, column = self.source.position(node)
        self.usages.append(Usage(name, line, column, form, src.via, src.strong))

    def _record_dynamic(self, node: Node) -> None:
        line, column = self.source.position(node)
        text = _text(self.source, node)
        self.dynamic.append(DynamicAccess(text if len(text) <= 80 else text[:77] + "...", line, column))

    def member(self, acc: Node, prop: Node, src: _Source) -> None:
        optional = any(c.type == "optional_chain" for c in acc.children)
        self._record(_text(self.source, prop), prop, "optional" if optional else "member", src)

    def subscript(self, acc: Node, index: Node, src: _Source) -> None:
        key = _unquote(self.source, index)
        if key is None:
            if src.strong:
                self._record_dynamic(acc)
        elif key:
            self._record(key, index, "subscript", src)

    def _pattern_usages(self, pattern: Node, form: str, src: _Source) -> None:
        for child in pattern.named_children:
            if child.type == "shorthand_property_identifier_pattern":
                self._record(_text(self.source, child), child, form, src)
            elif child.type == "pair_pattern":
                key = child.child_by_field_name("key")
                if key is None:
                    continue
                if key.type in ("property_identifier", "identifier"):
                    self._record(_text(self.source, key), key, form, src)
                elif key.type == "string":
                    value = _unquote(self.source, key)
                    if value:
                        self._record(value, key, form, src)
                elif src.strong:
                    self._record_dynamic(child)
            elif child.type == "object_assignment_pattern":
                left = child.child_by_field_name("left")
                if left is not None and left.type == "shorthand_property_identifier_pattern":
                    self._record(_text(self.source, left), left, form, src)
            elif child.type == "rest_pattern" and src.strong:
                self._record_dynamic(child)

    def destructure(self, pattern: Node, value: Node) -> None:
        src: _Source | None = None
        if value.type == "identifier":
            src = self.env_source(value)
        elif value.type == "member_expression":
            prop = value.child_by_field_name("property")
            base = value.child_by_field_name("object")
            if prop is not None and base is not None and _text(self.source, prop) == "env":
                src = self.context_source(base)
        if src is not None:
            self._pattern_usages(pattern, "destructure", src)


def extract_usages(
    source: SourceFile,
    extra_env_types: frozenset[str] = frozenset(),
    matches: list[tuple[int, dict[str, Node]]] | None = None,
) -> tuple[list[Usage], list[DynamicAccess]]:
    """Binding usages and dynamic env accesses in one parsed file, in document order.

    `extra_env_types` names more env types (e.g. the `B` of a `Hono<{ Bindings: B }>` in the file).
    `matches` are those of a query holding `PATTERNS` (shared with other extractors to walk the
    tree once); by default the query is run here.
    """
    ex = _Extractor(source, ENV_TYPE_NAMES | extra_env_types)
    if matches is None:
        matches = run_query(source, _query(source.tree.language))
    matches = list(matches)
    # pass 1: where the env comes from
    for _, caps in matches:
        if "imp.name" in caps:
            ex.add_import(caps["imp.name"], caps.get("imp.alias"), caps["imp.src"])
        elif "handler.fn" in caps:
            ex.add_handler(caps["handler.name"], caps["handler.params"], caps["handler.fn"])
        elif "param" in caps:
            ex.add_param(caps["param"], caps["param.pattern"], caps["param.type"])
    for _, caps in matches:
        if "untyped" in caps:
            ex.add_untyped(caps["untyped"], caps["untyped.name"])
    # pass 2: accesses
    names = tuple(sorted({*ex.file_sources, *(name for _, name in ex.fn_sources)} - COMMON_ENV_NAMES))
    if names and all(re.fullmatch(r"[A-Za-z_$][\w$]*", n) for n in names):
        matches += run_query(source, _access_query(source.tree.language, names))
    for _, caps in matches:
        if "acc" in caps:
            src = ex.env_source(caps["acc.obj"])
            if src is not None:
                ex.member(caps["acc"], caps["acc.prop"], src)
        elif "sub" in caps:
            src = ex.env_source(caps["sub.obj"])
            if src is not None:
                ex.subscript(caps["sub"], caps["sub.index"], src)
        elif "eacc" in caps:
            src = ex.context_source(caps["eacc.base"])
            if src is not None:
                ex.member(caps["eacc"], caps["eacc.prop"], src)
        elif "esub" in caps:
            src = ex.context_source(caps["esub.base"])
            if src is not None:
                ex.subscript(caps["esub"], caps["esub.index"], src)
        elif "destr.pattern" in caps:
            ex.destructure(caps["destr.pattern"], caps["destr.value"])
    usages = sorted(set(ex.usages), key=lambda u: (u.line, u.column, u.name))
    dynamic = sorted(set(ex.dynamic), key=lambda d: (d.line, d.column))
    return usages, dynamic


def run_query(source: SourceFile, query: Query) -> list[tuple[int, dict[str, Node]]]:
    """A query's matches over the whole file, each capture name mapped to its (first) node."""
    from tree_sitter import QueryCursor

    return [(index, {name: nodes[0] for name, nodes in caps.items() if nodes})
            for index, caps in QueryCursor(query).matches(source.root)]
