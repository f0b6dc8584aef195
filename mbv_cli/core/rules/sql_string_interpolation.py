"""MBV101 sql-string-interpolation

## What it does
Flags SQL given to a D1 `.prepare()` or `.exec()` call that is built from a template literal
with `${...}` substitutions, or from `+` concatenation, of values that are not constants.

## Why is this bad?
Values spliced into SQL text are interpreted as SQL: a quote in user input ends the string
and the rest runs as a statement of the attacker's choosing (SQL injection). D1 binds
parameters safely when they are passed through `.bind()`.

## Example
```ts
const row = await env.DB.prepare(`SELECT * FROM users WHERE email = '${email}'`).first();
```

## Use instead
```ts
const row = await env.DB.prepare("SELECT * FROM users WHERE email = ?").bind(email).first();
```

## Known limits
The finding is an error when a value of the SQL is traced, in the same file, to request input
(`request`/`c.req`, `searchParams`, a parsed body, headers, cookies, route parameters, through
`const`, destructuring and `for...of`, or a parameter named `body`/`params`/`query`/`input`...);
otherwise it is an info finding: the value may be a number or a column name chosen by the caller
(on reviewed public code, half of those were safe). Constants are recognised when they are literals, `const` strings declared in the same file,
UPPER_CASE names, placeholder lists built from `"?"` (`ids.map(() => "?").join(",")`), names
checked earlier in the function with `.includes(name)`/`.has(name)` (an allow-list), variables
only ever assigned or `.push`ed constants (`conditions.push("status = ?")` joined later),
parameters typed `number` or a union of literals, parameters that every call in the same file
gives a constant (`removeByField(c, "user_id", ids)`), enum-like members (`Status.ACTIVE`,
`emailConst.status.SAVING`) (`order: "asc" | "desc"`), names checked with
`typeof x === "number"`, `Number.isInteger(x)` or a range check (`x > 100`) earlier in the
function, `Object.keys` of an object literal, numbers (`Number(x)`, `.length`) and formatted
dates (`toISOString()`). Other safe values (a column name picked through a `switch`) are still
reported: suppress them with `// mbv-ignore MBV101: reason`. SQL built in another file and
passed in is not seen. Tagged templates (`` sql`...` ``) are never flagged: their tags
parameterise the values.
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

SQL_METHODS = frozenset({"prepare", "exec"})
CONSTANT_NAME = re.compile(r"^[A-Z][A-Z0-9_]*$")
PLACEHOLDER = re.compile(r"""["'`]\?["'`]|\?\d|\$\d""")


NUMBER_CALLS = frozenset({"Number", "parseInt", "parseFloat", "toISOString", "toUTCString", "toJSON", "getTime",
                          "toFixed", "valueOf", "now", "floor", "ceil", "round", "trunc", "min", "max", "abs",
                          "toLocaleDateString", "toDateString"})
NUMBER_TYPE = re.compile(r"^(number|bigint|boolean)$")
LITERAL_UNION = re.compile(r"""^\s*\|?\s*(?:"[^"]*"|'[^']*'|-?\d+(?:\.\d+)?|true|false)"""
                           r"""(?:\s*\|\s*(?:"[^"]*"|'[^']*'|-?\d+(?:\.\d+)?|true|false))*\s*$""")
WRITE_MUTATORS = frozenset({"push", "unshift", "splice", "concat"})


def _is_constant(source: SourceFile, node: Node, consts: dict[str, str], depth: int = 0) -> bool:
    kind = node.type
    if depth > 6:
        return False
    if kind in {"string", "number", "true", "false", "null", "undefined", "regex"}:
        return True
    if kind == "template_string":
        return all(_is_constant(source, sub.named_children[0], consts, depth)
                   for sub in node.children if sub.type == "template_substitution" and sub.named_children)
    if kind in {"parenthesized_expression", "as_expression", "satisfies_expression", "non_null_expression",
                "await_expression"} and node.named_children:
        return _is_constant(source, node.named_children[0], consts, depth)
    if kind == "binary_expression":
        left, right = node.child_by_field_name("left"), node.child_by_field_name("right")
        return left is not None and right is not None and _is_constant(source, left, consts, depth) \
            and _is_constant(source, right, consts, depth)
    if kind == "ternary_expression":
        cons, alt = node.child_by_field_name("consequence"), node.child_by_field_name("alternative")
        return cons is not None and alt is not None and _is_constant(source, cons, consts, depth) \
            and _is_constant(source, alt, consts, depth)
    if kind == "array":
        return all(_is_constant(source, c, consts, depth + 1) for c in node.named_children if c.type != "comment")
    if kind == "identifier":
        name = source.node_text(node)
        if name in consts or CONSTANT_NAME.match(name) or _allow_listed(source, node, name):
            return True
        if _typed_safe(source, node, name) or _checked_number(source, node, name):
            return True
        if depth == 0 and _literal_at_every_call(source, node, name, consts):
            return True
        return _only_constant_writes(source, node, name, consts, depth)
    if kind == "member_expression":
        root = syntax.chain_names(node)
        if syntax.member_property(node) == "length":
            return True  # a number
        if CONSTANT_NAME.match(syntax.member_property(node) or "") and len(root) >= 2:
            return True  # an enum-like constant: emailConst.status.SAVING, Status.ACTIVE
        return bool(root) and bool(CONSTANT_NAME.match(root[0]))
    if kind == "call_expression":
        called = syntax.method_name(node)
        if called == "keys" and source.node_text(syntax.callee(node) or node) == "Object.keys":
            args = syntax.arguments(node)
            target = args[0] if args else None
            if target is not None and target.type == "identifier":
                target = syntax.declared_value(source, target)
            return target is not None and target.type == "object"
        if called == "join":  # parts.join(" AND "): constant when every part is
            recv = syntax.receiver(node)
            if recv is not None and _is_constant(source, recv, consts, depth + 1):
                return True
        elif called == "map":  # capabilities.map(() => "col LIKE ?"): each element is the constant
            args = syntax.arguments(node)
            body = args[0].child_by_field_name("body") if args and args[0].type == "arrow_function" else None
            if body is not None and body.type != "statement_block" and _is_constant(source, body, consts, depth + 1):
                return True
        elif called in NUMBER_CALLS:
            return True  # a number, or a date formatted by the runtime
    # placeholder lists: ids.map(() => "?").join(", "), "?, ".repeat(n), Array(n).fill("?")
    return bool(PLACEHOLDER.search(source.node_text(node)))


def _literal_at_every_call(source: SourceFile, node: Node, name: str, consts: dict[str, str]) -> bool:
    """A parameter that every call of its function in this file gives a constant:
    `removeByField(c, "user_id", ids)` for `removeByField(c, fieldName, values)`."""
    fn = syntax.enclosing_function(node)
    index: int | None = None
    while fn is not None:  # the function that declares the parameter (the SQL may sit in a callback)
        params = fn.child_by_field_name("parameters")
        index = next((i for i, p in enumerate(params.named_children if params is not None else [])
                      if (pat := p.child_by_field_name("pattern") or p) is not None and pat.type == "identifier"
                      and source.node_text(pat) == name), None)
        if index is not None:
            break
        fn = syntax.enclosing_function(fn)
    if fn is None:
        return False
    fn_name = fn.child_by_field_name("name")
    if fn_name is None and fn.parent is not None and fn.parent.type in {"variable_declarator", "pair"}:
        fn_name = fn.parent.child_by_field_name("name") or fn.parent.child_by_field_name("key")
    if index is None or fn_name is None:
        return False
    wanted = source.node_text(fn_name)
    calls = [c for c in syntax.nodes_of(source, "call_expression") if syntax.method_name(c) == wanted
             and not (fn.start_byte <= c.start_byte < fn.end_byte)]
    if not calls:
        return False
    for call in calls:
        args = syntax.arguments(call)
        if index >= len(args) or not _is_constant(source, args[index], consts, 1):
            return False
    return True


def _typed_safe(source: SourceFile, node: Node, name: str) -> bool:
    """A parameter of an enclosing function typed `number` (or boolean) or a union of literals."""
    fn = syntax.enclosing_function(node)
    while fn is not None:
        params = fn.child_by_field_name("parameters")
        for param in params.named_children if params is not None else []:
            pattern = param.child_by_field_name("pattern")
            if pattern is None or pattern.type != "identifier" or source.node_text(pattern) != name:
                continue
            annotation = param.child_by_field_name("type")
            type_text = source.node_text(annotation).lstrip(":").strip() if annotation is not None else ""
            return bool(NUMBER_TYPE.match(type_text) or LITERAL_UNION.match(type_text))
        fn = syntax.enclosing_function(fn)
    return False


def _checked_number(source: SourceFile, node: Node, name: str) -> bool:
    """`typeof x === "number"`, `Number.isInteger(x)`, or a range check on `x` earlier in the function."""
    fn = syntax.enclosing_function(node)
    if fn is None:
        return False
    before = source.data[fn.start_byte:node.start_byte].decode("utf-8", "replace")
    n = re.escape(name)
    return bool(re.search(
        r"typeof\s+" + n + r"\s*[!=]==?\s*[\"']number[\"']|Number\.is(Integer|SafeInteger|Finite)\(\s*" + n
        + r"\s*\)|(?<![\w$.])" + n + r"\s*(<|>|<=|>=)\s*-?\d|-?\d+\s*(<|>|<=|>=)\s*" + n + r"(?![\w$])",
        before))


def _only_constant_writes(source: SourceFile, node: Node, name: str, consts: dict[str, str], depth: int) -> bool:
    """A variable whose declaration, every assignment and every `.push(...)` before `node` are constant."""
    value = syntax.declared_value(source, node)
    if value is None or not _is_constant(source, value, consts, depth + 1):
        return False
    scope = syntax.enclosing_function(node) or source.root
    for write in syntax.nodes_of(source, "assignment_expression", "augmented_assignment_expression",
                                 "call_expression"):
        if write.start_byte < scope.start_byte or write.end_byte > scope.end_byte:
            continue
        if write.type == "call_expression":
            recv = syntax.receiver(write)
            if recv is None or recv.type != "identifier" or source.node_text(recv) != name \
                    or syntax.method_name(write) not in WRITE_MUTATORS:
                continue
            if not all(_is_constant(source, a, consts, depth + 1) for a in syntax.arguments(write)):
                return False
            continue
        left = write.child_by_field_name("left")
        if left is None or left.type != "identifier" or source.node_text(left) != name:
            continue
        right = write.child_by_field_name("right")
        if right is None or not _is_constant(source, right, consts, depth + 1):
            return False
    return True


def _allow_listed(source: SourceFile, node: Node, name: str) -> bool:
    """`if (!ALLOWED.includes(name)) throw ...` / `.has(name)` earlier in the same function."""
    fn = syntax.enclosing_function(node)
    if fn is None:
        return False
    before = source.data[fn.start_byte:node.start_byte].decode("utf-8", "replace")
    return bool(re.search(r"\.(includes|has)\(\s*" + re.escape(name) + r"\s*\)", before))


def _looks_like_sql(source: SourceFile, node: Node) -> bool:
    first = next((c for c in node.children if c.type == "string_fragment"), None)
    if node.type == "template_string":
        return first is not None and bool(syntax.SQL_START.match(source.node_text(first)))
    if node.type == "binary_expression":
        left = node.child_by_field_name("left")
        while left is not None and left.type == "binary_expression":
            left = left.child_by_field_name("left")
        value = syntax.string_value(source, left)
        if value is None and left is not None and left.type == "template_string":
            return _looks_like_sql(source, left)
        return value is not None and bool(syntax.SQL_START.match(value))
    return False


def _sql_argument(source: SourceFile, arg: Node) -> Node | None:
    """The template/concatenation holding the SQL, following one `const q = ...` indirection."""
    if arg.type in {"template_string", "binary_expression"}:
        return arg
    if arg.type == "identifier":
        value = syntax.declared_value(source, arg)
        if value is not None and value.type in {"template_string", "binary_expression"}:
            return value
    return None


def check(source: SourceFile, ctx: CodeContext) -> Iterator[Finding]:
    consts: dict[str, str] | None = None
    for call in syntax.nodes_of(source, "call_expression"):
        if syntax.method_name(call) not in SQL_METHODS or syntax.receiver(call) is None:
            continue
        args = syntax.arguments(call)
        if not args:
            continue
        sql = _sql_argument(source, args[0])
        if sql is None or not _looks_like_sql(source, sql):
            continue
        if consts is None:
            consts = syntax.const_strings(source)
        if _is_constant(source, sql, consts):
            continue
        how = "template literal with ${...}" if sql.type == "template_string" else "string concatenation"
        fn = syntax.callee(call)
        prop = fn.child_by_field_name("property") if fn is not None else None
        source_name = _request_value(source, sql)
        if source_name is not None:
            yield RULE.at(
                source, prop or call,
                f"SQL passed to .{syntax.method_name(call)}() is built by {how} from request input ({source_name})",
                hint='use "?" placeholders and pass the values with .bind(...)',
            )
        else:
            yield RULE.at(
                source, prop or call,
                f"SQL passed to .{syntax.method_name(call)}() is built by {how} from values mbv cannot prove "
                "constant (none traced to the request here)",
                hint='if any of them can come from a request this is SQL injection: use "?" placeholders and '
                     ".bind(...), or suppress with `// mbv-ignore MBV101: why it is safe`",
                severity=Severity.INFO,
            )


# where request input comes from: the request, Hono's c.req, URL parameters, parsed bodies, headers, cookies
REQUEST_TEXT = re.compile(
    r"(?<![\w$.])(request|req)\b|\bc\.req\b|searchParams|\.(json|formData|text|parseBody|arrayBuffer|blob)\(|"
    r"\.(param|params|query|queries|valid|header|cookie)\(|\.headers\b|\bgetCookie\(|\bparams\b|\bquery\b")
REQUEST_PARAMS = frozenset({"body", "params", "query", "input", "payload", "form", "formData", "req", "request",
                            "searchParams"})


def _request_value(source: SourceFile, sql: Node) -> str | None:
    """The first identifier of the SQL that flows (in this file) from request input, or None."""
    for ident in syntax.descendants(sql, "identifier"):
        if _from_request(source, ident, 0):
            return source.node_text(ident)
    return None


def _from_request(source: SourceFile, ident: Node, depth: int) -> bool:
    if depth > 4:
        return False
    name = source.node_text(ident)
    if name in {"request", "req"}:
        return True
    origin = _origin(source, ident, name)
    if origin is None:
        return False
    if isinstance(origin, str):  # a parameter of a function around it
        return name in REQUEST_PARAMS
    if REQUEST_TEXT.search(source.node_text(origin)):
        return True
    return any(_from_request(source, inner, depth + 1) for inner in syntax.descendants(origin, "identifier")
               if inner.start_byte != ident.start_byte and source.node_text(inner) != name)


def _origin(source: SourceFile, ident: Node, name: str) -> Node | str | None:
    """What `name` was declared from: a `const x = ...`/`const { x } = ...` value, a `for (x of list)`
    list, or a parameter of a function around it."""
    best: Node | None = None
    for declarator in syntax.nodes_of(source, "variable_declarator"):
        if declarator.start_byte > ident.start_byte:
            break
        target = declarator.child_by_field_name("name")
        if target is None:
            continue
        if (target.type == "identifier" and source.node_text(target) == name) or (
                target.type in {"object_pattern", "array_pattern"}
                and any(source.node_text(n) == name for n in syntax.descendants(
                    target, "identifier", "shorthand_property_identifier_pattern"))):
            best = declarator.child_by_field_name("value")
    if best is not None:
        return best
    for loop in syntax.nodes_of(source, "for_in_statement"):
        left = loop.child_by_field_name("left")
        if loop.start_byte < ident.start_byte < loop.end_byte and left is not None \
                and any(source.node_text(n) == name for n in syntax.walk(left)):
            return loop.child_by_field_name("right")
    fn = syntax.enclosing_function(ident)
    while fn is not None:
        params = fn.child_by_field_name("parameters") or fn.child_by_field_name("parameter")
        if params is not None and any(source.node_text(n) == name for n in syntax.descendants(
                params, "identifier", "shorthand_property_identifier_pattern")):
            return "parameter"
        fn = syntax.enclosing_function(fn)
    return None


RULE = code_rule("MBV101", "sql-string-interpolation", Severity.ERROR,
                 "SQL for .prepare()/.exec() built by interpolation or concatenation", __doc__, check,
                 needs=[('prepare', 'exec')])
