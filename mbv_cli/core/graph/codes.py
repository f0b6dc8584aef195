"""The stable codes of the module graph (`mbv graph`, `mbv doctor`): imports wrangler cannot bundle.

Data only (like `bindings_codes`), registered in `rules_catalog.OTHER_CODE_DOCS`. The MBV4xx
family is the module graph's; codes are never reused.
"""

from __future__ import annotations

from mbv_cli.core.bindings_codes import CodeDoc

GRAPH_CODES: dict[str, CodeDoc] = {
    d.code: d
    for d in (
        CodeDoc(
            "MBV401", "unresolved-import", "error",
            "A relative, alias, tsconfig-path or `#` import resolves to no file.",
            "Follows the Worker's imports from `main` as wrangler's esbuild resolves them (relative paths "
            "anywhere on disk, tsconfig `baseUrl`/`paths` with `extends`, package.json `imports`, wrangler "
            "`alias`, `.js` written for `.ts`) and reports each import that leads to no file, at its "
            "file:line.",
            "`wrangler deploy` stops with `Could not resolve \"./x\"`: the guide's \"Module not found during "
            "deployment\". A renamed or deleted file, a wrong case on a case-sensitive CI runner or a "
            "tsconfig path that only the editor knows are the usual causes.",
            'import { sign } from "./utils/jwt"; // src/utils/jwt.ts was renamed to token.ts',
            'import { sign } from "./utils/token";',
            "`import type` imports are not reported (esbuild drops them). Imports built from non-literal "
            "strings (`import(name)`) are not followed. A plugin of a custom build (`[build] command`) may "
            "resolve what plain esbuild cannot.",
        ),
        CodeDoc(
            "MBV402", "package-not-declared", "error",
            "A package is imported that is neither installed nor declared in a package.json.",
            "For each bare import (`import x from \"pkg\"`) that no node_modules folder and no workspace "
            "package provides, looks for `pkg` in the dependencies, devDependencies, peerDependencies or "
            "optionalDependencies of every package.json from the importing file up to the repository root.",
            "The deploy fails with `Could not resolve \"pkg\"` (or worse, works on one machine where the "
            "package happens to be installed through another project, and fails in CI).",
            'import { z } from "zod"; // zod is in no package.json',
            'npm install zod   # adds it to the Worker\'s package.json',
            "Node built-ins (`fs`, `node:crypto`) are MBV106's business, not this code's. A package provided "
            "by a custom build step is reported too.",
        ),
        CodeDoc(
            "MBV403", "package-not-installed", "warning",
            "A package is declared in a package.json but not installed.",
            "For each bare import that resolves nowhere but is declared in a package.json at or above the "
            "importing file, while dependencies were installed (a node_modules folder exists): the install "
            "is out of date. On a fresh clone with no node_modules at all, one note says so instead.",
            "wrangler bundles from node_modules: until the install runs, the deploy fails with `Could not "
            "resolve`, and mbv cannot see the package's code, version or size.",
            '// package.json: "hono": "^4.9.0", but node_modules/hono is missing\nimport { Hono } from "hono";',
            "npm install   # or pnpm install / yarn",
            "The installed version is not compared with the declared range. A relative import into "
            "`node_modules/<pkg>/...` of a declared package that is not installed is reported here too.",
        ),
        CodeDoc(
            "MBV404", "workspace-package-not-built", "info",
            "A workspace package is imported whose entry is build output that does not exist yet.",
            "For each bare import of a package of the repository's workspaces (npm/yarn `workspaces`, "
            "pnpm-workspace.yaml, or symlinked into node_modules) whose `exports`/`module`/`main` names a file "
            "in the package's `dist/`, `build/`, `lib/` or `out/` folder, while that folder is missing: the "
            "repository builds its packages before the deploy (turbo/nx `build`). When the source lies at the "
            "same path under `src/` (`dist/index.js` -> `src/index.ts`), mbv reads that instead and says "
            "nothing. Reported once per Worker and package, the other import sites listed.",
            "After the build the import resolves, so the deploy does not fail; but mbv could not read the "
            "package's code, so code rules and binding reads in it were not checked (MBV002 turns to info).",
            '// packages/auth/package.json: "main": "dist/index.js", built by `turbo run build`\n'
            'import { verify } from "@repo/auth";',
            "turbo run build   # or keep the package's source at src/index.ts",
            "Only the four usual output folders are recognised; another missing entry stays MBV401.",
        ),
    )
}
