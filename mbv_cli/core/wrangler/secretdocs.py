"""Secrets the repository documents for a Worker: a secret source for the binding findings.

A secret set with `wrangler secret put NAME` lives only in Cloudflare; a repository that says so is
not missing it. Documentation counted, for the Worker's config directory and each parent up to the
repository root (the nearest git top level or workspace root; without either, the config directory only):

- `wrangler secret put NAME` (also `npx wrangler ...`, and the argument-list form of a setup script:
  `["npx", "wrangler", "secret", "put", "NAME"]`) in that directory's `*.md`, `docs/**/*.md`, `*.sh`, setup or
  deploy scripts (`setup*.ts`, `deploy*.mjs`...), `scripts/**` scripts, and its package.json `scripts`; a script
  that puts secrets in a loop (`wrangler secret put ${name}`, `wrangler secret put "$s"`) or in bulk (`wrangler
  secret bulk secrets.json`) documents the upper-case names it quotes (or lists after `for s in`);
- in those Markdown files: `NAME=value` lines of a fenced block that the block or the lines before it say is a
  `.dev.vars`/`.env`/secrets/environment block; backticked names on a line that speaks of secrets, the dashboard or
  environment variables; the names a table or list under a "secrets"/"environment variables" heading starts with;
- a comment block in the wrangler config that mentions "secret" (`# Secrets:` followed by `# NAME` lines,
  `// secrets (wrangler secret put): A, B`): only upper-case names on those comment lines; `# export NAME=...`;
- the repository root's `.env.example` / `.dev.vars.example` (the config directory's own example files are
  read by the binding diff already).

Reading is bounded (files up to 256 KiB, at most 300 files per directory, node_modules/.git and other
dot folders skipped) and cached per directory for the process (one run), keyed on the listing of the directory
itself: an edit deeper down (docs/a/b.md) is seen by the next run, not by a later call of the same process.
"""

from __future__ import annotations

import json
import os
import re
import stat
from pathlib import Path

from mbv_cli.core.wrangler.devvars import parse_dotenv

MAX_BYTES = 256 * 1024
MAX_FILES = 300
_SKIP_DIRS = frozenset({"node_modules", "dist", "build", "coverage", "vendor"})
_SECRET_PUT = re.compile(
    r"\bwrangler\s+secret\s+put\s+"
    r"(?:(?:--(?:env|name|config)|-[ec])(?:=|\s+)\S+\s+)*"
    r"([A-Za-z_][A-Za-z0-9_]*)\b(?![<>{}$])"
)
# `wrangler deploy --var MCP_SERVER_VERSION:"$VERSION"` (also `dev`): a var the command gives the Worker
# (review Z of 43535be: mcp-server-cloudflare)
_DEPLOY_VAR = re.compile(r"--var[ \t=]+[\"']?([A-Za-z_][A-Za-z0-9_]*)[:=]")
_COMMENT = re.compile(r"^\s*(?:#|//|/\*|\*)\s?(.*)$")
_UPPER_NAME = re.compile(r"(?<![\w$.-])([A-Z][A-Z0-9]*(?:_[A-Z0-9]+)+|[A-Z][A-Z0-9]{2,})(?![\w.-])")
_SECRET_WORD = re.compile(r"\bsecrets?\b", re.I)  # not JWT_SECRET: a name, not a mention
_NAME = r"[A-Z][A-Z0-9]*(?:_[A-Z0-9]+)+|[A-Z][A-Z0-9]{2,}"
_LIST = re.compile(rf"^\s*(?:[-*\u2022]\s*)?`?((?:{_NAME})`?(?:\s*,\s*`?(?:{_NAME})`?)*)\s*,?\s*(?:$|[:#(\u2014\u2013]|-\s)")
_ROOT_EXAMPLES = (".env.example", ".dev.vars.example")
_Q = "[\"'`]"
_SECRET_PUT_ARGS = re.compile(
    rf"\bwrangler{_Q}\s*,\s*{_Q}secret{_Q}\s*,\s*{_Q}put{_Q}\s*,\s*"
    rf"(?:{_Q}-[-\w]+{_Q}\s*,\s*(?:{_Q}(?!-)[^\"'`]*{_Q}\s*,\s*)?)*+{_Q}([A-Za-z_][A-Za-z0-9_]*){_Q}"
)
_SECRET_PUT_LOOP = re.compile(rf"\bsecret\s*{_Q}?\s*,?\s*{_Q}?put{_Q}?\s*,?\s*(?:\$\{{|\"\$|\$[A-Za-z_]|[a-z_]\w*\s*[,\]])")
_SECRET_BULK = re.compile(rf"\bsecret{_Q}?\s*,?\s*{_Q}?bulk\b")  # `wrangler secret bulk secrets.json`
_OBJECT_KEY = re.compile(r"^\s*([A-Z][A-Z0-9]*(?:_[A-Z0-9]+)+)\s*:", re.M)
_BULK_FILE = re.compile(r"\bsecret\s+bulk\s+(?:--?[\w-]+(?:=|\s+)\S+\s+)*([\w./-]+\.json)\b")
_QUOTED_NAME = re.compile(rf"{_Q}((?:{_NAME})){_Q}")
_FOR_IN = re.compile(r"\bfor\s+\w+\s+in[ \t]++([A-Z0-9_ \t]*+)[;\n][ \t\n]*+do\b")
_SCRIPT_NAME = re.compile(r"^(?:setup|deploy|bootstrap|provision|init|install)[\w.-]*\.(?:sh|[cm]?[jt]s|py)$", re.I)
_SCRIPT_SUFFIXES = (".sh", ".ts", ".js", ".mjs", ".cjs", ".mts", ".py")
_MD_CONTEXT = re.compile(r"\.dev\.vars|\.env\b|\bsecrets?\b|\benv(?:ironment)?[ -]?var|\bvariables?\b|\bdashboard\b",
                         re.I)
_MD_LIST_HEAD = re.compile(r"^(\s*)[-*+]\s+(.*):\s*$")
_MD_HEADING = re.compile(r"^\s{0,3}#{1,6}\s+(.*)$")
# also the words for secrets and environment variables in Korean, Japanese and Chinese (review AB: `## 비밀정보`)
_CJK_SETTINGS = "비밀|시크릿|환경\\s?변수|秘密|機密|机密|密钥|シークレット|環境変数|环境变量"
_MD_SECTION = re.compile(r"\bsecrets?\b|\benvironment\b|\benv(?:ironment)?[ -]?var|\bvariables\b|\.dev\.vars|"
                         + _CJK_SETTINGS, re.I)
_MD_ASSIGN = re.compile(rf"^\s*(?:export\s+)?({_NAME})\s*=")
_MD_TICKED = re.compile(rf"`({_NAME})`")
_MD_TICKED_ASSIGN = re.compile(rf"`({_NAME})=[^`\n]*+`")  # prose saying `WB_SEND_MODE=test` (review T: wb-site)
_MD_LEAD = re.compile(rf"^[ \t]*+(?:(?:[-*+]|\d+\.|\|)[ \t]*+)?(?:\*\*)?`?({_NAME})`?(?:\*\*)?[ \t]*+"
                      r"(?:$|[|:=(\u2014\u2013,]|-\s)")
_MD_CHECKLIST = re.compile(r"^\s*[-*+]\s+\[[ xX]\]\s+(?:\*\*|`)?([A-Z][A-Z0-9]*(?:_[A-Z0-9]+)+)\b")
_EXPORT_COMMENT = re.compile(rf"^\s*(?:#|//)\s*export\s+({_NAME})=")

_cache: dict[Path, tuple[tuple[tuple[str, int, int], ...], dict[str, list[str]]]] = {}


def _read_text(path: Path) -> str | None:
    """A regular file's text (not a FIFO or device a hostile repository put there), None if larger than the cap."""
    try:
        info = path.stat()
        if not stat.S_ISREG(info.st_mode) or info.st_size > MAX_BYTES:
            return None
        with path.open("rb") as handle:
            return handle.read(MAX_BYTES).decode("utf-8", errors="replace")
    except OSError:
        return None


def _puts(text: str) -> list[str]:
    return [m.group(1) for m in _SECRET_PUT.finditer(text)] + [m.group(1) for m in _SECRET_PUT_ARGS.finditer(text)] \
        + ([m.group(1) for m in _DEPLOY_VAR.finditer(text)] if "--var" in text else [])


def _script_puts(text: str) -> list[str]:
    """A script's secret puts, and when it puts them in a loop, the names it quotes or loops over."""
    names = _puts(text)
    bulk = "secret" in text and _SECRET_BULK.search(text) is not None
    if bulk or ("secret" in text and _SECRET_PUT_LOOP.search(text)):
        names += _QUOTED_NAME.findall(text)
        if bulk:  # the JSON file it writes: `{ STRIPE_SECRET_KEY: key, ... }`
            names += _OBJECT_KEY.findall(text)
        for match in _FOR_IN.finditer(text):
            names += _UPPER_NAME.findall(match.group(1))
    return names


def markdown_secrets(text: str) -> list[str]:
    """Names a Markdown file documents as settings: `NAME=` lines of a `.dev.vars`/`.env` block, `NAME=value` in
    inline code, backticked names on a line about secrets, the dashboard or environment variables, the names that start the rows of a table or list
    under a secrets/environment heading."""
    found: list[str] = []
    lines = text.splitlines()
    section = False
    list_indent: int | None = None
    fence: str | None = None
    fence_counts = False
    for index, line in enumerate(lines):
        stripped = line.strip()
        if fence is not None:
            if stripped.startswith(fence):
                fence = None
            elif fence_counts and (match := _MD_ASSIGN.match(line)):
                found.append(match.group(1))
            continue
        if stripped.startswith(("```", "~~~")):
            fence = stripped[:3]
            before = " ".join(lines[max(0, index - 3) : index + 1])
            fence_counts = _MD_CONTEXT.search(before) is not None or section
            continue
        heading = _MD_HEADING.match(line)
        if heading is not None:
            section = _MD_SECTION.search(heading.group(1)) is not None
            list_indent = None
            continue
        indent = len(line) - len(line.lstrip())
        if list_indent is not None and stripped and indent <= list_indent:
            list_indent = None  # the sub-list under `- Variables:` ended
        if _MD_CONTEXT.search(line):
            found.extend(_MD_TICKED.findall(line))
        if "=" in line:
            found.extend(_MD_TICKED_ASSIGN.findall(line))
        lead = _MD_LEAD.match(line) if section or list_indent is not None else None
        lead = lead or _MD_CHECKLIST.match(line)  # `- [x] **SESSION_SECRET**`: a setup checklist
        if lead is not None:
            found.append(lead.group(1))
        head = _MD_LIST_HEAD.match(line)
        if head is not None and _MD_SECTION.search(head.group(2)):
            list_indent = len(head.group(1))  # `- Variables:` / `- Secrets:` opens a list of names
    return found


def _walk(top: Path, suffix: tuple[str, ...], budget: list[int]) -> list[Path]:
    """Files under `top` ending with one of `suffix`, sorted, skipping dot folders and build output, bounded."""
    found: list[Path] = []
    for folder, dirs, files in os.walk(top):
        dirs[:] = sorted(d for d in dirs if not d.startswith(".") and d not in _SKIP_DIRS)
        for name in sorted(files):
            if name.endswith(suffix):
                if budget[0] <= 0:
                    return found
                budget[0] -= 1
                found.append(Path(folder) / name)
    return found


def _fingerprint(directory: Path) -> tuple[tuple[str, int, int], ...]:
    try:
        with os.scandir(directory) as entries:
            stats = []
            for entry in entries:
                try:
                    st = entry.stat()
                except OSError:
                    continue
                stats.append((entry.name, st.st_mtime_ns, st.st_size))
    except OSError:
        return ()
    return tuple(sorted(stats))


def _directory_docs(directory: Path, is_root: bool) -> dict[str, list[str]]:
    """Name -> where this directory documents it (one directory, not its parents)."""
    key = directory if not is_root else directory / ".root"
    fingerprint = _fingerprint(directory)
    cached = _cache.get(key)
    if cached is not None and cached[0] == fingerprint:
        return cached[1]
    names: dict[str, list[str]] = {}

    def add(name: str, where: str) -> None:
        if where not in names.setdefault(name, []):
            names[name].append(where)

    budget = [MAX_FILES]
    files: list[Path] = []
    for name, _, _ in fingerprint:
        lower = name.lower()
        if (lower.startswith("readme") or lower.endswith((".md", ".sh")) or _SCRIPT_NAME.match(name)) \
                and (directory / name).is_file():
            files.append(directory / name)
    for name, _, _ in fingerprint:  # `docs/` or `DOCS/`, `scripts/`, and `scripts/` one folder down (`src/scripts/`)
        suffixes = {"docs": (".md",), "scripts": _SCRIPT_SUFFIXES}.get(name.lower())
        if suffixes is not None and (directory / name).is_dir():
            files.extend(_walk(directory / name, suffixes, budget))
        elif not name.startswith(".") and name not in _SKIP_DIRS and (directory / name / "scripts").is_dir():
            files.extend(_walk(directory / name / "scripts", _SCRIPT_SUFFIXES, budget))
    for file in files:
        body = _read_text(file) or ""
        markdown = file.suffix.lower() in (".md", ".markdown") or file.name.upper().startswith("README")
        for name in _puts(body) if markdown else _script_puts(body):
            add(name, f"{_rel(file, directory)} (wrangler secret put)")
        if markdown:
            for name in markdown_secrets(body):
                add(name, _rel(file, directory))
    manifest = directory / "package.json"
    text = _read_text(manifest) if manifest.is_file() else None
    if text:
        try:
            scripts = json.loads(text).get("scripts")
        except (ValueError, AttributeError):
            scripts = None
        if isinstance(scripts, dict):
            for value in scripts.values():
                if isinstance(value, str):
                    for name in _puts(value):
                        add(name, "package.json scripts (wrangler secret put)")
                    for bulk in _BULK_FILE.findall(value):  # `wrangler secret bulk secrets.json`: its keys (review Q)
                        for name in _json_keys(directory / bulk):
                            add(name, f"{bulk} (wrangler secret bulk)")
    if is_root:
        workflows = directory / ".github" / "workflows"
        if workflows.is_dir():
            for file in _walk(workflows, (".yml", ".yaml"), budget):
                for name in _script_puts(_read_text(file) or ""):
                    add(name, f"{_rel(file, directory)} (wrangler secret put)")
        for example in _ROOT_EXAMPLES:
            path = directory / example
            text = _read_text(path) if path.is_file() else None
            for name in parse_dotenv(text or ""):
                add(name, example)
    _cache[key] = (fingerprint, names)
    return names


def _json_keys(path: Path) -> list[str]:
    """The top-level keys of a JSON file of secrets (values are never kept)."""
    text = _read_text(path) if path.is_file() else None
    try:
        data = json.loads(text) if text else None
    except ValueError:
        return []
    return [k for k in data if isinstance(k, str)] if isinstance(data, dict) else []


def _rel(file: Path, directory: Path) -> str:
    try:
        return file.relative_to(directory).as_posix()
    except ValueError:
        return file.name


def config_comment_secrets(text: str) -> list[str]:
    """Upper-case names in the config's comment blocks that mention "secret", the dashboard or environment variables
    (a `# Secrets:` list), and every
    `NAME_WITH_UNDERSCORE` of a comment block that says `wrangler secret put` (free prose, any language)."""
    found: list[str] = []
    for block in _comment_blocks(text):
        if _SECRET_PUT_WORDS.search(block):
            for name in _STRICT_NAME.findall(block):
                if name not in found:
                    found.append(name)
    in_block = False
    for line in text.splitlines():
        exported = _EXPORT_COMMENT.match(line)  # `# export GH_PAT=...`: how to set it for a deploy
        if exported is not None and exported.group(1) not in found:
            found.append(exported.group(1))
        match = _COMMENT.match(line)
        if match is None:
            in_block = False
            continue
        body = match.group(1)
        listed = _NAMES_ARE_SECRETS.match(body)
        if listed is not None:
            found.extend(n for n in re.findall(_NAME, listed.group(1)) if n not in found)
            in_block = False
            continue
        items = _name_list(body) if in_block else []
        if items:  # `// AUTH_SECRET - Secret for signing tokens`: an item of the list, though it says "secret"
            found.extend(n for n in items if n not in found)
            continue
        mention = _SECRET_WORD.search(body) or _SETTINGS_HEADER.search(body)
        if mention is not None:  # a header: `# Secrets:`, `# secrets (wrangler secret put): A, B`
            in_block = True
            body = body[mention.start():]
            body = body.split(":", 1)[1] if ":" in body else ""
        elif not in_block or not body.strip():
            in_block = False
            continue
        for name in _name_list(body):
            if name not in found:
                found.append(name)
    return found


_SECRET_PUT_WORDS = re.compile(r"\bsecret\s+put\b")
# a comment header over a list of settings made elsewhere: `# Environment variables (set in the dashboard):`,
# `# 環境変数はCloudflare Dashboardで設定:` (review Y of 43535be: PokedBots)
_SETTINGS_HEADER = re.compile(r"\bdashboard\b|\benv(?:ironment)?[ -]?var(?:iable)?s?\b|" + _CJK_SETTINGS, re.I)
# `# DOMEMAE_API_KEY, DOMEMAE_USER_ID are Worker secrets only.`: names, then what they are (review AB: ekodi)
_NAMES_ARE_SECRETS = re.compile(rf"^\s*((?:{_NAME})(?:\s*,\s*(?:and\s+)?(?:{_NAME}))*(?:\s*,?\s+and\s+(?:{_NAME}))?)"
                                r"\s+(?:are|is)(?:\s+[\w-]+){0,3}?\s+secrets?\b")
_STRICT_NAME = re.compile(r"(?<![\w$.-])([A-Z][A-Z0-9]*(?:_[A-Z0-9]+)+)(?![\w.-])")


def _comment_blocks(text: str) -> list[str]:
    """The runs of consecutive comment lines, each joined into one text."""
    blocks: list[str] = []
    current: list[str] = []
    for line in text.splitlines():
        match = _COMMENT.match(line)
        if match is not None:
            current.append(match.group(1))
        elif current:
            blocks.append("\n".join(current))
            current = []
    if current:
        blocks.append("\n".join(current))
    return blocks


_SOURCE_SECRET_COMMENT = re.compile(rb"(?im)^[ \t]*(?://|/\*|\*|#).*\bsecrets?\b")


def source_comment_secrets(data: bytes) -> tuple[str, ...]:
    """The names a source file's comments list as secrets (`// Required secrets (wrangler secret put): A, B`)."""
    if (b"ecret" not in data and b"ECRET" not in data) or _SOURCE_SECRET_COMMENT.search(data) is None:
        return ()
    return tuple(config_comment_secrets(data.decode("utf-8", errors="replace")))


def _name_list(body: str) -> list[str]:
    """`A, B`, `- A`, `A: what it is`, `A (optional)` -> the names; anything else (commented-out config such as
    `API_URL = "x"` or `binding = "KV"`, prose) -> none."""
    match = _LIST.match(body)
    return _UPPER_NAME.findall(match.group(1)) if match else []


def repository_root(start: Path) -> Path | None:
    """The nearest folder at or above `start` that is a git top level or a workspace root (pnpm-workspace.yaml,
    package.json `workspaces`): a Worker of a workspace nested in a larger repository reads its own workspace."""
    for folder in (start, *start.parents):
        if (folder / ".git").exists() or (folder / "pnpm-workspace.yaml").is_file():
            return folder
        manifest = folder / "package.json"
        text = _read_text(manifest) if manifest.is_file() else None
        try:
            if text and isinstance(data := json.loads(text), dict) and data.get("workspaces"):
                return folder
        except ValueError:
            pass
    return None


def documented_secrets(config_path: Path) -> dict[str, list[str]]:
    """Name -> where the repository documents it as a secret of the Worker configured at `config_path`."""
    directory = config_path.parent.resolve()
    root = repository_root(directory)
    chain = [directory]
    if root is not None and (root == directory or root in directory.parents):
        chain = [directory, *[p for p in directory.parents if p == root or root in p.parents]]
    names: dict[str, list[str]] = {}
    text = _read_text(config_path)
    for name in config_comment_secrets(text or ""):
        names.setdefault(name, []).append(f"{config_path.name} (comment)")
    for folder in chain:
        is_root = folder == root
        for name, places in _directory_docs(folder, is_root).items():
            for where in places:
                label = where if folder == directory else f"{os.path.relpath(folder, directory)}/{where}"
                if label not in names.setdefault(name, []):
                    names[name].append(label)
    for script in _workspace_bins(directory, root):  # `"deploy": "run-wrangler-deploy"`: a bin of the workspace
        for name in _script_puts(_read_text(script) or ""):
            label = f"{os.path.relpath(script, directory)} (wrangler secret put / --var)"
            if label not in names.setdefault(name, []):
                names[name].append(label)
    return names


_BARE_COMMAND = re.compile(r"^(?:[A-Z_]+=\S*\s+)*([\w.-]+)(?=\s|$)")


def _workspace_bins(directory: Path, root: Path | None) -> list[Path]:
    """The executables of the repository's own packages that the Worker's package.json scripts run by their bare
    name (`"deploy": "run-wrangler-deploy"` and `packages/tools/bin/run-wrangler-deploy`, review Z of 43535be:
    mcp-server-cloudflare)."""
    manifest = directory / "package.json"
    text = _read_text(manifest) if manifest.is_file() and root is not None else None
    try:
        scripts = json.loads(text).get("scripts") if text else None
    except (ValueError, AttributeError):
        return []
    if not isinstance(scripts, dict) or root is None:
        return []
    commands = {m.group(1) for v in scripts.values() if isinstance(v, str)
                for part in re.split(r"&&|\|\||;", v) if (m := _BARE_COMMAND.match(part.strip()))}
    if not commands:
        return []
    bin_dirs = [d for d in (root / "bin", *sorted(root.glob("*/bin")), *sorted(root.glob("*/*/bin")))
                if "node_modules" not in d.parts and d.is_dir()]  # listed once, not once per command
    found: list[Path] = []
    for command in sorted(commands):
        candidate = next((d / command for d in bin_dirs if (d / command).is_file()), None)
        if candidate is not None:
            found.append(candidate)
    return found[:20]


# a placeholder a script fills in: `<HYPERDRIVE_ID>`, `${KV_ID}`, `$D1_ID`, `__KV_ID__`, `{{ kv_id }}`
_TOKEN = re.compile(r"^(?:<[^<>\s]{3,}>|\$\{[^{}\s]{2,}\}|\$[A-Za-z_][A-Za-z0-9_]{2,}|__[A-Za-z0-9_]{3,}__|\{\{[^{}]{3,}\}\})$")
_SCRIPT_SUFFIXES_ALL = (".sh", ".bash", ".mjs", ".cjs", ".js", ".ts", ".mts", ".py", ".yml", ".yaml")


def substituting_scripts(config_path: Path, values: list[str]) -> dict[str, str]:
    """Which of the placeholder `values` a script of the repository fills in before a deploy: the value written
    verbatim in a file under `scripts/`, `bin/`, `tools/` or `.github/workflows/` of the repository root or of the
    config's folder, or in a package.json there (review AE of c36f9b3: webhook's `scripts/gen-wrangler-prod.mjs`
    replaces `<HYPERDRIVE_TENANT_ID>`). Returns value -> the script's path relative to the repository root."""
    tokens = [v for v in values if _TOKEN.match(v.strip())]
    if not tokens:
        return {}
    root = repository_root(config_path.parent) or config_path.parent
    files: list[Path] = []
    budget = [MAX_FILES]
    for top in dict.fromkeys([root, config_path.parent]):
        for sub in ("scripts", "bin", "tools", os.path.join(".github", "workflows")):
            if (top / sub).is_dir():
                files += _walk(top / sub, _SCRIPT_SUFFIXES_ALL, budget) if sub != "bin" else \
                    [p for p in sorted((top / sub).iterdir()) if p.is_file()][:50]
        if (top / "package.json").is_file():
            files.append(top / "package.json")
    found: dict[str, str] = {}
    for path in files:
        text = _read_text(path)
        if text is None:
            continue
        for token in tokens:
            if token not in found and token in text:
                try:
                    found[token] = path.relative_to(root).as_posix()
                except ValueError:
                    found[token] = str(path)
        if len(found) == len(tokens):
            break
    return found
