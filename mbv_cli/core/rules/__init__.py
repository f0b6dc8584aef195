"""The doctor's rules: one module per rule, registered here under a stable code.

Codes are never reused. MBV0xx belong to the bindings diff (`mbv_cli.core.bindings`), MBV1xx are
code rules, MBV2xx configuration rules, MBV3xx data (migrations, local databases). MBV000 is a
finding about mbv itself: a rule that crashed on a file.
"""

from __future__ import annotations

import functools
import importlib

from mbv_cli.core.bindings_codes import CodeDoc
from mbv_cli.core.errors import UsageError
from mbv_cli.core.rules.base import CodeContext, ConfigContext, Rule, is_test_path

# code -> module (below mbv_cli.core.rules) that defines RULE
RULE_MODULES: dict[str, str] = {
    "MBV101": "sql_string_interpolation",
    "MBV102": "cors_wildcard_with_credentials",
    "MBV103": "hardcoded_secret",
    "MBV104": "secret_logged",
    "MBV105": "env_var_number_compare",
    "MBV106": "node_builtin_without_nodejs_compat",
    "MBV107": "d1_transaction_statement",
    "MBV108": "module_level_mutable_state",
    "MBV109": "unbounded_cache",
    "MBV110": "query_in_loop",
    "MBV111": "floating_promise",
    "MBV112": "fetch_handler_without_response",
    "MBV113": "websocket_without_lifecycle",
    "MBV114": "insecure_random_token",
    "MBV115": "non_constant_time_compare",
    "MBV116": "d1_unbounded_fan_out",
    "MBV117": "api_rate_limit_ignored",
    "MBV118": "node_api_missing_in_workerd",
    "MBV201": "compatibility_date",
    "MBV202": "secret_in_vars",
    "MBV203": "wildcard_allowed_origins",
    "MBV204": "invalid_config_value",
    "MBV205": "unknown_config_key",
    "MBV206": "wrangler_major_version",
}


@functools.lru_cache(maxsize=1)
def all_rules() -> tuple[Rule, ...]:
    rules = []
    for code, module in RULE_MODULES.items():
        rule: Rule = importlib.import_module(f"mbv_cli.core.rules.{module}").RULE
        if rule.code != code:  # pragma: no cover - a registry typo
            raise RuntimeError(f"{module} defines {rule.code}, registered as {code}")
        rules.append(rule)
    return tuple(rules)


# A rule's documentation has the shape of the other capabilities' code docs; its examples are Markdown.
RuleDoc = CodeDoc


def code_doc(code: str) -> RuleDoc | None:
    """The documentation of a code: a doctor rule's, else another capability's (db, migrate), or None."""
    rule = next((r for r in all_rules() if r.code == code), None)
    if rule is None:
        from mbv_cli.core.rules_catalog import other_code_docs

        doc = other_code_docs().get(code)
        return doc if isinstance(doc, CodeDoc) else None
    s = rule.sections()
    return RuleDoc(rule.code, rule.name, rule.severity.value, rule.summary, s.get("What it does", ""),
                   s.get("Why is this bad?", ""), s.get("Example", ""), s.get("Use instead", ""),
                   s.get("Known limits", ""), fenced=False)


def get_rule(code: str) -> Rule:
    wanted = code.strip().upper()
    for rule in all_rules():
        if rule.code == wanted or rule.name == code.strip().lower():
            return rule
    raise UsageError(f"no rule {code!r}", hint="`mbv rules` lists the codes")


__all__ = ["RULE_MODULES", "CodeContext", "ConfigContext", "Rule", "RuleDoc", "all_rules", "code_doc", "get_rule",
           "is_test_path"]
