"""Documented secrets are a secret source (issue 12): `wrangler secret put NAME` in the repository's
README/docs/scripts near the Worker, a `# Secrets:` comment list in the config, the root `.env.example`."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

from mbv_cli.core.findings import Finding
from mbv_cli.core.wrangler.secretdocs import config_comment_secrets, documented_secrets
from tests.core.test_bindings_diff import CODE, CONFIG, IMPORTS_ENV, diff, make_worker

ENV_TS = "export interface Env { USERS: KVNamespace; GREETING: string; STRIPE_KEY: string }\n"
READS = IMPORTS_ENV + CODE.replace("return new", "const k = env.STRIPE_KEY.trim();\n    return new")
PACKAGE_SCRIPTS = json.dumps({"name": "api", "scripts": {"secrets": "wrangler secret put STRIPE_KEY"}})


def worker_in_repo(root: Path, config: str = CONFIG, extra: dict[str, str] | None = None) -> Path:
    """A Worker at apps/api of a git repository at `root`; `extra` paths are relative to `root`."""
    (root / ".git").mkdir(parents=True)
    worker = make_worker(root / "apps" / "api", config, READS, {"src/env.ts": ENV_TS})
    for rel, text in (extra or {}).items():
        (root / rel).parent.mkdir(parents=True, exist_ok=True)
        (root / rel).write_text(text)
    return worker


def secret_findings(findings: list[Finding]) -> list[tuple[str, str | None]]:
    return [(f.code, f.binding) for f in findings if f.code in ("MBV001", "MBV004")]


@pytest.mark.parametrize(
    ("extra", "config_tail"),
    [
        ({"README.md": "## Deploy\n```sh\nnpx wrangler secret put STRIPE_KEY\n```\n"}, ""),
        ({"README.de.md": "wrangler secret put STRIPE_KEY   # the Stripe key\n"}, ""),
        ({"apps/api/docs/deploy/setup.md": "Run `wrangler secret put STRIPE_KEY --env production`.\n"}, ""),
        ({"docs/ops.md": "wrangler secret put --env production STRIPE_KEY\n"}, ""),
        ({"DOCS/ops.md": "wrangler secret put STRIPE_KEY\n"}, ""),
        ({"apps/api/src/scripts/gen-keys.js": "console.log('npx wrangler secret put STRIPE_KEY');\n"}, ""),
        ({"scripts/deploy.sh": 'echo "$KEY" | wrangler secret put STRIPE_KEY\n'}, ""),
        ({"apps/api/setup.sh": 'echo "  npx wrangler secret put STRIPE_KEY"\n'}, ""),
        ({"apps/api/package.json": PACKAGE_SCRIPTS}, ""),
        ({".env.example": "# copy to .env\nSTRIPE_KEY=\n"}, ""),
        ({".dev.vars.example": "STRIPE_KEY=sk_test_x\n"}, ""),
        ({}, "\n# Secrets:\n# OTHER_TOKEN\n# - STRIPE_KEY\n"),
        ({}, "\n# secrets (wrangler secret put): OTHER_TOKEN, STRIPE_KEY\n"),
        # the final review's forms (issue 12): any Markdown file of the chain, setup scripts, README blocks, prose
        ({"apps/api/OPERATIONS.md": "wrangler secret put STRIPE_KEY\n"}, ""),
        ({"apps/api/setup.ts": 'run(["npx", "wrangler", "secret", "put", "STRIPE_KEY"]);\n'}, ""),
        ({"scripts/secrets.mjs": 'for (const n of ["STRIPE_KEY", "OTHER"]) sh(`wrangler secret put ${n}`);\n'}, ""),
        ({"scripts/secrets.sh": 'for s in STRIPE_KEY OTHER_TOKEN; do\n  wrangler secret put "$s"\ndone\n'}, ""),
        ({"README.md": "Create `.dev.vars`:\n\n```\nSTRIPE_KEY=sk_test_...\nAPP_URL=http://localhost\n```\n"}, ""),
        ({"README.md": "## Environment variables\n\n| name | what |\n|---|---|\n| `STRIPE_KEY` | Stripe |\n"}, ""),
        ({"README.md": "## Secrets\n\n- **STRIPE_KEY**: the Stripe key\n"}, ""),
        ({"apps/api/NOTES.md": "Set `STRIPE_KEY` and `R2_BASE` in the Cloudflare dashboard.\n"}, ""),
        ({}, "\n# export STRIPE_KEY=sk_live_...  (then npm run deploy)\n"),
        # review A of the build e4e135e: workflow files, setup checklists, secret lists in free prose of any language
        ({"apps/api/scripts/setup.mjs": "// writes secrets.json for `wrangler secret bulk`\n"
                                        "write({\n  STRIPE_KEY: key,\n  'OTHER_TOKEN': t,\n});\n"}, ""),
        # review Q of 8e3adcb (open-gsio): a package script bulk-puts a JSON file of secrets
        ({"secrets.json": '{"STRIPE_KEY": "", "OTHER": ""}',
          "package.json": json.dumps({"scripts": {"secrets": "wrangler secret bulk secrets.json -c apps/api/wrangler.toml"}})},
         ""),
        ({".github/workflows/deploy.yml": "run: echo x | npx wrangler secret put STRIPE_KEY --env production\n"}, ""),
        ({"apps/api/SETUP.md": "## 目前狀態\n\n- [x] **STRIPE_KEY**\n- [ ] **Resend**\n"}, ""),
        ({}, "\n# 非機密設定。機密（OTHER_TOKEN / STRIPE_KEY）一律用\n# `wrangler secret put <NAME>`，不要寫進這個檔案。\n"),
        ({"README.md": "### 3) Worker\n- Bindings:\n  - D1: `DB`\n  - Variables:\n    - `STRIPE_KEY` (e.g. sk_test)\n"}, ""),
        ({"apps/api/NOTES.md": "- Cloudflare Worker > Settings > Variables: put `STRIPE_KEY` there\n"}, ""),
        # review AB of badf8a8 (ekodi-platform): a Korean secrets heading, and names then "are Worker secrets"
        ({"apps/CONNECTOR.md": "## 비밀정보\n\n아래 값은 Worker secret로만 관리한다.\n\n- `STRIPE_KEY`\n- `OTHER_ID`\n"}, ""),
        ({}, "\n# OTHER_ID, STRIPE_KEY and OTHER_SESSION are Worker secrets only.\n# Do not put them here.\n"),
        # review Z of 43535be (mcp-server-cloudflare): the deploy script is a bin of a workspace package
        ({"apps/api/package.json": json.dumps({"scripts": {"deploy": "run-wrangler-deploy"}}),
          "packages/tools/bin/run-wrangler-deploy": '#!/bin/sh\nwrangler deploy -e "$1" --var STRIPE_KEY:"$V"\n'}, ""),
        # review AH of c36f9b3 (dot-do/workers): list items that describe themselves as secrets
        ({}, "\n# Environment variables (set via wrangler secret)\n# STRIPE_KEY - Secret for signing tokens\n"
             "# OTHER_SECRET - Secret for JWT signing keys\n"),
        # review Z of 43535be (mcp-server-cloudflare): a deploy script gives the var with --var
        ({"apps/api/deploy.sh": 'wrangler deploy -e production --var MCP_NAME:"$N" --var STRIPE_KEY:"$V"\n'}, ""),
        ({"apps/api/package.json": json.dumps({"scripts": {"dev": "wrangler dev --var STRIPE_KEY:test"}})}, ""),
        # review Y of 43535be (PokedBots): a comment list headed "environment variables are set in the dashboard"
        ({}, "\n# 環境変数はCloudflare Dashboardで設定:\n# - STRIPE_KEY: the Stripe key\n# - OTHER_TIME: a time\n"),
        ({}, "\n# Environment variables (set in the dashboard):\n# - STRIPE_KEY\n"),
        # review T of 626d8cc (wb-site): settings named in prose as inline `NAME=value`
        ({"apps/api/README.md": "샘플은 `STRIPE_KEY=sk_test`, `OTHER_TOKEN=true`가 모두 일치해야 한다.\n"}, ""),
    ],
)
def test_a_documented_secret_is_neither_mbv004_nor_mbv001(tmp_path: Path, extra: dict[str, str],
                                                         config_tail: str) -> None:
    worker = worker_in_repo(tmp_path, CONFIG + config_tail, extra)
    assert secret_findings(diff(worker)) == []


@pytest.mark.parametrize(
    ("extra", "config_tail"),
    [
        ({}, ""),  # documented nowhere
        ({"apps/web/README.md": "wrangler secret put STRIPE_KEY\n"}, ""),  # another Worker's documentation
        ({"apps/api/src/notes.md": "wrangler secret put STRIPE_KEY\n"}, ""),  # not the chain's folders or docs/
        ({"README.md": "```\nSTRIPE_KEY=1\n```\n"}, ""),  # a block nothing says is settings
        ({"README.md": "Call `STRIPE_KEY` rotation weekly.\n"}, ""),  # a backticked name, no secrets/dashboard
        ({"README.md": "## Usage\n\n- STRIPE_KEY: is read at start\n"}, ""),  # a list under another heading
        ({"README.md": "- Variables:\n  - `OTHER`\n- `STRIPE_KEY`: the list above ended\n"}, ""),
        ({"apps/api/.github/workflows/x.yml": "wrangler secret put STRIPE_KEY\n"}, ""),  # workflows: the root's only
        ({"apps/api/SETUP.md": "- [x] read STRIPE_KEY docs\n"}, ""),  # a checklist item that does not start with it
        ({"scripts/deploy.mjs": 'const names = ["STRIPE_KEY"];\nsh("wrangler deploy");\n'}, ""),  # no secret put
        ({"apps/api/build.ts": 'run(["npx", "wrangler", "secret", "put", "STRIPE_KEY"]);\n'}, ""),  # not a setup script
        ({"README.md": "wrangler secret put <STRIPE_KEY>\nwrangler secret list\nSTRIPE_KEY\n"}, ""),
        ({"node_modules/x/docs/a.md": "wrangler secret put STRIPE_KEY\n"}, ""),
        ({"docs/node_modules/a.md": "wrangler secret put STRIPE_KEY\n"}, ""),
        ({"apps/.env.example": "STRIPE_KEY=\n"}, ""),  # not the repository root
        ({}, "\n# STRIPE_KEY comes from the dashboard\n"),  # a comment that does not mention secrets
        ({}, "\n# Secrets:\n# OTHER_TOKEN\n\n# STRIPE_KEY\n"),  # after the list ended
        ({}, "\n# rotate secrets monthly; STRIPE_KEY lives in KV\n"),  # a mention, not a list
        ({}, "\n# STRIPE_KEY is read at start; see the secrets doc\n"),  # not "NAME is a secret"
        ({}, "\n# KV namespaces are made in the dashboard:\n# [[kv_namespaces]]\n# binding = \"STRIPE_KEY\"\n"),
        ({}, '\n# Secrets:\n# [vars]\n# STRIPE_KEY = "sk_test"\n'),  # commented-out config, not a list
        ({"README.md": "Compare `STRIPE_KEY == x` and `STRIPE_KEY`=1.\n"}, ""),  # no `NAME=value` in one tick pair
        ({"apps/api/package.json": json.dumps({"scripts": {"deploy": "wrangler deploy"}}),
          "packages/tools/bin/other-tool": "wrangler deploy --var STRIPE_KEY:x\n"}, ""),  # a bin no script runs
    ],
)
def test_an_undocumented_secret_is_still_mbv004(tmp_path: Path, extra: dict[str, str], config_tail: str) -> None:
    worker = worker_in_repo(tmp_path, CONFIG + config_tail, extra)
    assert secret_findings(diff(worker)) == [("MBV004", "STRIPE_KEY")]


def test_documentation_above_the_repository_root_is_not_read(tmp_path: Path) -> None:
    (tmp_path / "README.md").write_text("wrangler secret put STRIPE_KEY\n")
    worker = worker_in_repo(tmp_path / "repo")
    assert secret_findings(diff(worker)) == [("MBV004", "STRIPE_KEY")]


def test_the_workspace_root_bounds_the_search_without_git(tmp_path: Path) -> None:
    root = tmp_path / "repo"
    (root / "README.md").parent.mkdir(parents=True)
    (root / "README.md").write_text("wrangler secret put STRIPE_KEY\n")
    (root / "package.json").write_text(json.dumps({"workspaces": ["apps/*"]}))
    make_worker(root / "apps" / "api", CONFIG, READS, {"src/env.ts": ENV_TS})
    found = documented_secrets(root / "apps" / "api" / "wrangler.toml")
    assert found == {"STRIPE_KEY": ["../../README.md (wrangler secret put)"]}


def test_an_undocumented_read_is_still_declared_nowhere(tmp_path: Path) -> None:
    code = CODE.replace("return new", "const k = env.OTHER_KEY.trim();\n    return new")
    (tmp_path / ".git").mkdir()
    (tmp_path / "README.md").write_text("wrangler secret put STRIPE_KEY\n")
    worker = make_worker(tmp_path / "w", code=code)
    findings = [(f.code, f.binding) for f in diff(worker) if f.code == "MBV001"]
    assert findings == [("MBV001", "OTHER_KEY"), ("MBV001", "OTHER_KEY")]


def test_jsonc_comment_list() -> None:
    text = '{\n  // Secrets (set with wrangler secret put):\n  //   API_TOKEN, SIGNING_KEY\n  "name": "x",\n  // JWT_SECRET\n}\n'
    assert config_comment_secrets(text) == ["API_TOKEN", "SIGNING_KEY"]


def test_a_comment_in_the_workers_code_lists_secrets(tmp_path: Path) -> None:
    code = READS.replace("export default", "// Required secrets (wrangler secret put): STRIPE_KEY, OTHER\nexport default")
    (tmp_path / ".git").mkdir()
    worker = make_worker(tmp_path / "apps" / "api", CONFIG, code, {"src/env.ts": ENV_TS})
    assert secret_findings(diff(worker)) == []
    # the same names in a comment that is not about secrets are no source
    (worker / "src" / "index.ts").write_text(READS.replace("export default", "// see STRIPE_KEY, OTHER\nexport default"))
    assert secret_findings(diff(worker)) == [("MBV004", "STRIPE_KEY")]


def test_a_changed_readme_is_read_again(tmp_path: Path) -> None:
    (tmp_path / ".git").mkdir()
    config = make_worker(tmp_path) / "wrangler.toml"
    assert documented_secrets(config) == {}
    (tmp_path / "README.md").write_text("wrangler secret put STRIPE_KEY\n")
    assert documented_secrets(config) == {"STRIPE_KEY": ["README.md (wrangler secret put)"]}


def test_a_workspace_nested_in_a_repository_stops_at_its_own_root(tmp_path: Path) -> None:
    (tmp_path / ".git").mkdir()
    (tmp_path / "docs").mkdir()
    (tmp_path / "docs" / "other.md").write_text("wrangler secret put STRIPE_KEY\n")
    site = tmp_path / "site"
    make_worker(site / "workers" / "api", CONFIG, READS, {"src/env.ts": ENV_TS})
    (site / "package.json").write_text(json.dumps({"workspaces": ["workers/*"]}))
    (site / "README.md").write_text("wrangler secret put OTHER_TOKEN\n")
    found = documented_secrets(site / "workers" / "api" / "wrangler.toml")
    assert found == {"OTHER_TOKEN": ["../../README.md (wrangler secret put)"]}


def test_a_fifo_or_an_oversized_file_is_not_read(tmp_path: Path) -> None:
    (tmp_path / ".git").mkdir()
    config = make_worker(tmp_path) / "wrangler.toml"
    (tmp_path / "docs").mkdir()
    os.mkfifo(tmp_path / "docs" / "pipe.md")  # reading it would block
    (tmp_path / "README.md").write_text("x" * (300 * 1024) + "\nwrangler secret put BIG_KEY\n")
    (tmp_path / "docs" / "ok.md").write_text("wrangler secret put OK_KEY\n")
    assert documented_secrets(config) == {"OK_KEY": ["docs/ok.md (wrangler secret put)"]}
