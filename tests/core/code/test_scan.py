from __future__ import annotations

import os
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from mbv_cli.core.code.parsing import SkippedFile, SourceFile, iter_source_paths, parse_file
from mbv_cli.core.code.scan import FileFacts, scan_directory, scan_path, scan_paths, scan_source

GOOD = "export default { async fetch(req, env) { return env.GOOD.get('k'); } };\n"


def names(facts: FileFacts) -> list[str]:
    return [u.name for u in facts.usages]


def test_bad_files_are_noted_and_the_rest_is_analysed(tmp_path: Path) -> None:
    src = tmp_path / "src"
    (src / "deep").mkdir(parents=True)
    (src / "index.ts").write_text(GOOD)
    (src / "broken.ts").write_text("export default { async fetch(req, env) { env.PARTIAL.get( ;;; }\n const = ;\n")
    (src / "latin1.ts").write_bytes("const s = 'caf\xe9'; env.X;".encode("latin-1"))
    os.symlink(src, src / "deep" / "loop")
    with (src / "huge.min.js").open("wb") as fh:
        chunk = b"var a=function(e){return e.env&&e.env.X};" * 1000
        for _ in range((50 * 1024 * 1024) // len(chunk) + 1):
            fh.write(chunk)
    code = scan_directory(tmp_path, jobs=1)
    reasons = {s.path.name: s.reason for s in code.skipped}
    assert "not valid UTF-8" in reasons["latin1.ts"]
    assert "larger than 2 MB" in reasons["huge.min.js"]
    assert reasons["loop"] == "symlink loop, not followed"
    by_name = {f.path.name: f for f in code.files}
    assert names(by_name["index.ts"]) == ["GOOD"]
    broken = by_name["broken.ts"]
    assert broken.syntax_error is not None
    assert "PARTIAL" in names(broken)  # analysed as far as it parses


def test_pool_and_serial_agree(tmp_path: Path) -> None:
    paths = []
    for i in range(40):
        path = tmp_path / f"f{i}.ts"
        path.write_text(GOOD.replace("GOOD", f"B{i}") + "// padding\n" * 5000)
        paths.append(path)
    serial = scan_paths(paths, jobs=1)
    pooled = scan_paths(paths, jobs=2)
    assert serial == pooled
    assert [names(f) for f in pooled if isinstance(f, FileFacts)] == [[f"B{i}"] for i in range(40)]


def test_files_without_env_words_are_not_parsed(tmp_path: Path) -> None:
    (tmp_path / "util.ts").write_text("export const add = (a: number, b: number) => a + b;\n")
    facts = scan_path(tmp_path / "util.ts")
    assert isinstance(facts, FileFacts) and not facts.parsed and facts.usages == ()


def test_skipped_folders_and_nested_workers(tmp_path: Path) -> None:
    for folder in ("node_modules/x", "dist", ".wrangler/tmp", "other-worker/src"):
        (tmp_path / folder).mkdir(parents=True)
        (tmp_path / folder / "i.ts").write_text(GOOD)
    (tmp_path / "index.ts").write_text(GOOD)
    found = [p for p in iter_source_paths(tmp_path, exclude=[tmp_path / "other-worker"])]
    assert found == [tmp_path / "index.ts"]


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(data=st.binary(max_size=4000))
def test_scanner_survives_random_bytes(tmp_path: Path, data: bytes) -> None:
    path = tmp_path / "random.ts"
    path.write_bytes(b"export default { async fetch(r, env) { " + data + b" } }")
    result = scan_path(path)
    assert isinstance(result, FileFacts | SkippedFile)
    parsed = parse_file(path)
    if isinstance(parsed, SourceFile):
        facts = scan_source(parsed)
        assert all(u.line >= 1 and u.column >= 1 for u in facts.usages)


@settings(max_examples=100, deadline=None)
@given(text=st.text(alphabet=st.sampled_from(list("env.ENV_[]{}()'\"`?:;,=> \nconstfetch/*")), max_size=300))
def test_scanner_survives_env_like_text(text: str) -> None:
    from mbv_cli.core.code.parsing import parse_source

    parsed = parse_source(Path("x.ts"), ("export default { async fetch(r, env) {" + text + "} }").encode())
    assert isinstance(parsed, SourceFile)
    scan_source(parsed)
