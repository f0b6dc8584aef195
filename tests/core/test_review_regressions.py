"""Bugs a fresh-eyes review of issue 12's second round found (crashes, false findings, slow patterns), one test each."""

from __future__ import annotations

import json
import time
from pathlib import Path

from mbv_cli.core.bindings_diff import _ts_string_value
from mbv_cli.core.wrangler.secretdocs import _FOR_IN, _MD_LEAD, _puts
from tests.core.code.test_env_forms import strong
from tests.core.test_bindings_diff import CODE, CONFIG, diff, make_worker
from tests.core.test_graph import graphs, write


def test_a_code_point_beyond_unicode_in_a_generated_literal_is_no_crash() -> None:
    assert _ts_string_value('"\\u{110000}"') == "\\u{110000}"
    assert _ts_string_value('"\\u{' + "f" * 40 + '}"').startswith("\\u{")
    assert _ts_string_value('"\\u{41}"') == "A"


def test_a_container_class_name_that_is_not_a_string_is_no_crash(tmp_path: Path) -> None:
    config = CONFIG + ('[[durable_objects.bindings]]\nname = "MY_C"\nclass_name = "MyC"\n'
                       '[[containers]]\nclass_name = ["MyC"]\nimage = "./Dockerfile"\n')
    found = [f.binding for f in diff(make_worker(tmp_path, config), env=None, all_envs=False) if f.code == "MBV002"]
    assert "MY_C" in found


def test_a_script_for_another_config_or_a_pages_project_gives_no_entry(tmp_path: Path) -> None:
    scripts = {"dev:api": "wrangler dev worker/index.ts --config worker/wrangler.toml"}
    write(tmp_path, {"wrangler.toml": 'name = "site"\n', "package.json": json.dumps({"scripts": scripts}),
                     "worker/index.ts": "export default {};\n",
                     "pages/wrangler.toml": 'name = "p"\npages_build_output_dir = "dist"\n',
                     "pages/package.json": json.dumps({"scripts": {"dev": "wrangler dev src/index.ts"}}),
                     "pages/src/index.ts": "export default {};\n"})
    by_name = {g.name: g for g in graphs(tmp_path)}
    assert by_name["site"].status == "no-main" and by_name["p"].status == "no-main"


def test_a_library_return_type_named_like_bindings_is_not_the_env() -> None:
    code = ('import type { ChildBindings } from "pino";\n'
            "function child(): ChildBindings { return { level: 'info' } as ChildBindings; }\n"
            "export const level = child().level;\n")
    assert strong(code) == []


def test_unused_bindings_of_many_envs_parse_each_file_once(tmp_path: Path) -> None:
    from mbv_cli.core.code import parsing

    envs = "".join(f'[env.e{i}.vars]\nDB{i} = "x"\nAI{i} = "y"\n' for i in range(6))
    files = {f"src/m{i}.ts": "// DB0 DB1 DB2 DB3 DB4 DB5\nexport const f = (x: Opts) => x.other;\n" for i in range(20)}
    code = "".join(f"import './m{i}';\n" for i in range(20)) + CODE
    worker = make_worker(tmp_path, CONFIG + envs, code, files)
    before = parsing.PARSE_COUNTER["count"]
    diff(worker)
    # each file at most twice: the scan, and one look for property reads (was once more per env)
    assert parsing.PARSE_COUNTER["count"] - before <= 2 * 22


def test_secret_doc_patterns_stay_linear_on_hostile_text() -> None:
    started = time.perf_counter()
    _puts('["wrangler", "secret", "put", ' + '"--env", ' * 60 + "]")
    _FOR_IN.search("wrangler secret put \"$s\"\nfor s in" + " " * 20000)
    _MD_LEAD.match(" " * 50000 + "x")
    assert time.perf_counter() - started < 1.0
    assert _puts('["npx", "wrangler", "secret", "put", "--env", "production", "STRIPE_KEY"]') == ["STRIPE_KEY"]
    assert _FOR_IN.search("for s in STRIPE_KEY OTHER_TOKEN; do").group(1).split() == ["STRIPE_KEY", "OTHER_TOKEN"]
