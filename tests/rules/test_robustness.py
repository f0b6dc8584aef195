"""No rule crashes on broken or unusual code: a crash would surface as an MBV000 finding."""

from __future__ import annotations

from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from mbv_cli.core.code.parsing import SourceFile, parse_source
from mbv_cli.core.doctor_code import code_context, run_code_rules
from mbv_cli.core.rules import all_rules

HERE = Path(__file__).parent
CORPUS = "\n".join(p.read_text(encoding="utf-8") for p in sorted(HERE.glob("MBV1*/*.ts")))
RULES = [r for r in all_rules() if r.area == "code"]


def _check(text: str, name: str = "x.ts") -> list[str]:
    source = parse_source(Path(name), text.encode("utf-8"))
    assert isinstance(source, SourceFile)
    ctx = code_context([source], frozenset(), frozenset())
    return [f.message for f in run_code_rules(source, RULES, ctx, name) if f.code == "MBV000"]


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.integers(0, len(CORPUS)), st.integers(1, 400), st.sampled_from(["x.ts", "x.js", "x.tsx"]))
def test_rules_survive_code_cut_anywhere(start: int, length: int, name: str) -> None:
    broken = CORPUS[:start] + CORPUS[start + length:]
    assert _check(broken, name) == []


def test_rules_survive_odd_but_valid_code() -> None:
    odd = """
    export default { fetch };
    export default class extends WorkerEntrypoint { fetch() { return; } }
    const [,, third] = Object.values(new WebSocketPair());
    let x; x = 1; (() => { x++; })();
    env?.DB?.prepare?.(`SELECT ${a}`)?.all?.();
    for await (const chunk of stream) await env.DB.prepare("x").bind(chunk).run();
    if (env[`KEY_${n}`] === 3) {}
    console.log(...tokens);
    """
    assert _check(odd) == []
