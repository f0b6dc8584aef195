"""Resolve an import specifier to a file as wrangler 4.86's esbuild build does.

Facts from wrangler-dist/cli.js (`bundleWorker`): esbuild runs with `bundle: true`, the default
platform ("browser", so main fields browser > module > main), `conditions: ["workerd", "worker",
"browser"]` (WRANGLER_BUILD_CONDITIONS overrides them), plus esbuild's own "default" and "import"
or "require" by import kind ("module" is not added when custom conditions are set); a wrangler
`alias` is resolved by Node's `require.resolve(value, {paths: [projectRoot]})`; `tsconfig` is the
config's `tsconfig` when set, else the nearest tsconfig.json/jsconfig.json of each importing file
(none for files in node_modules). Imports of `cloudflare:*`/`workers:*` and Node built-ins are
the runtime's; `.wasm`, `.txt`, `.html`, `.sql`, `.bin` are module-rule imports (uploaded, not bundled).
"""

from __future__ import annotations

import json
import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from mbv_cli.core.wrangler.jsonc import JsoncSyntaxError
from mbv_cli.core.wrangler.jsonc import loads as jsonc_loads

EXTENSIONS = (".tsx", ".ts", ".jsx", ".js", ".css", ".json")
_TS_FOR_JS = {".js": (".ts", ".tsx"), ".jsx": (".ts", ".tsx"), ".mjs": (".mts",), ".cjs": (".cts",)}
MODULE_RULE_SUFFIXES = frozenset({".wasm", ".txt", ".html", ".sql", ".bin"})
WRANGLER_CONDITIONS = ("workerd", "worker", "browser")
MAIN_FIELDS = ("browser", "module", "main")
NODE_BUILTINS = frozenset({
    "assert", "async_hooks", "buffer", "child_process", "cluster", "console", "constants", "crypto",
    "dgram", "diagnostics_channel", "dns", "domain", "events", "fs", "http", "http2", "https", "inspector",
    "module", "net", "os", "path", "perf_hooks", "process", "punycode", "querystring", "readline", "repl",
    "stream", "string_decoder", "sys", "timers", "tls", "trace_events", "tty", "url", "util", "v8", "vm",
    "wasi", "worker_threads", "zlib",
})
_DEPENDENCY_FIELDS = ("dependencies", "devDependencies", "peerDependencies", "optionalDependencies")
# where a workspace package's build writes its entry (turbo/nx `build` before the deploy)
OUTPUT_FOLDERS = frozenset({"dist", "build", "lib", "out"})
_SOURCE_SUFFIXES = frozenset({".ts", ".tsx", ".mts", ".js", ".jsx", ".mjs"})


# folders a build step writes (as `build.BUILD_FOLDERS`, plus code generators' usual names)
_GENERATED_PART = frozenset({"dist", "build", "out", ".output", ".generated", "generated", "__generated__",
                             ".svelte-kit", ".next", ".nuxt", ".wrangler", ".open-next", ".vinxi", ".mastra"})


@dataclass(frozen=True, slots=True)
class Resolution:
    """Where a specifier leads.

    `how`: relative, tsconfig-path, tsconfig-baseurl, package-imports, alias, workspace-package,
    package (third-party, in node_modules), builtin, runtime (cloudflare:), virtual (a Vite plugin's
    `virtual:` module), module-rule, or
    unresolved. `problem` (only when unresolved): not-found, not-declared, not-installed, not-built
    (a workspace package whose entry is in its missing build-output folder; `target` is that entry).
    """

    path: Path | None
    how: str
    package: str | None = None
    problem: str | None = None
    target: Path | None = None

    @property
    def third_party(self) -> bool:
        return self.how == "package"


def conditions_for(kind: str) -> frozenset[str]:
    extra = os.environ.get("WRANGLER_BUILD_CONDITIONS")
    base = tuple(c for c in extra.split(",") if c) if extra is not None else WRANGLER_CONDITIONS
    return frozenset((*base, "default", "require" if kind == "require" else "import"))


def package_name(specifier: str) -> tuple[str, str]:
    """`@scope/pkg/sub/x` -> ("@scope/pkg", "./sub/x"); `pkg` -> ("pkg", ".")."""
    parts = specifier.split("/")
    count = 2 if specifier.startswith("@") and len(parts) > 1 else 1
    name = "/".join(parts[:count])
    rest = "/".join(parts[count:])
    return name, ("./" + rest) if rest else "."


def in_node_modules(path: Path | str) -> bool:
    return f"{os.sep}node_modules{os.sep}" in f"{os.sep}{path}{os.sep}"


@dataclass(slots=True)
class FileSystemCache:
    """Cached JSON reads and existence tests, shared by every resolver of one run."""

    _json: dict[Path, Any] = field(default_factory=dict)
    _files: dict[str, bool] = field(default_factory=dict)
    _dirs: dict[str, bool] = field(default_factory=dict)
    _real: dict[str, str] = field(default_factory=dict)
    _declared: dict[tuple[Path, str], bool] = field(default_factory=dict)

    def realpath(self, path: str) -> str:
        """os.path.realpath, with each directory's real path computed once."""
        found = self._real.get(path)
        if found is None:
            head, tail = os.path.split(path)
            if not tail or os.path.islink(path):
                found = os.path.realpath(path)
            else:
                found = os.path.join(self.realpath(head) if head != path else head, tail)
            self._real[path] = found
        return found

    def is_file(self, path: str) -> bool:
        found = self._files.get(path)
        if found is None:
            found = self._files[path] = os.path.isfile(path)
        return found

    def is_dir(self, path: str) -> bool:
        found = self._dirs.get(path)
        if found is None:
            found = self._dirs[path] = os.path.isdir(path)
        return found

    def json(self, path: Path) -> Any:
        """A JSON/JSONC document, or None when it is missing or unreadable."""
        if path not in self._json:
            try:
                text = path.read_text(encoding="utf-8-sig")
                try:
                    self._json[path] = json.loads(text)
                except ValueError:
                    self._json[path] = jsonc_loads(text)
            except (OSError, UnicodeDecodeError, JsoncSyntaxError, RecursionError):
                self._json[path] = None
        return self._json[path]


@dataclass(frozen=True, slots=True)
class TsConfig:
    path: Path
    base_url: Path | None
    paths: tuple[tuple[str, tuple[str, ...]], ...]
    paths_base: Path


class Resolver:
    """Resolves specifiers for one Worker (its project root, alias, tsconfig and workspace)."""

    def __init__(self, project_root: Path, *, alias: dict[str, str] | None = None, tsconfig: Path | None = None,
                 workspace_packages: dict[str, Path] | None = None, fs: FileSystemCache | None = None) -> None:
        self.project_root = project_root
        self.alias = dict(alias or {})
        self.tsconfig_override = tsconfig
        self.workspace_packages = dict(workspace_packages or {})
        self.fs = fs or FileSystemCache()
        self._tsconfigs: dict[Path, TsConfig | None] = {}
        self._nearest_tsconfig: dict[str, Path | None] = {}

    # -- public ------------------------------------------------------------------------------

    def resolve(self, importer: Path, specifier: str, kind: str = "static") -> Resolution:
        """Where `specifier`, imported by the file `importer`, leads."""
        spec = specifier.split("?", 1)[0]
        if spec in self.alias:
            return self._alias(spec)
        if spec.startswith(("cloudflare:", "workers:")) or spec == "__STATIC_CONTENT_MANIFEST":
            return Resolution(None, "runtime")
        if spec.startswith("virtual:"):  # a Vite plugin's module, made at build time (virtual:react-router/...)
            return Resolution(None, "virtual")
        directory = str(importer.parent)
        if spec.startswith(("./", "../")) or spec in (".", "..") or os.path.isabs(spec):
            base = os.path.normpath(os.path.join(directory, spec))
            if os.path.splitext(spec)[1] in MODULE_RULE_SUFFIXES:
                if self.fs.is_file(base):
                    return Resolution(Path(base), "module-rule")
                appended = self._file(base)  # `./requests.sql` is `requests.sql.ts` to esbuild (review AI: workerspy)
                if appended:
                    return Resolution(Path(appended), "relative")
                return self._into_node_modules(importer.parent, base) or Resolution(None, "unresolved",
                                                                                    problem="not-found")
            found = self._file_or_dir(base)
            if found:
                return Resolution(Path(found), "relative")
            if _GENERATED_PART.intersection(Path(base).parts[:-1]):
                # `../.generated/widget.js`, `./dist/x.js`: a file a build step writes before the deploy
                return Resolution(None, "unresolved", problem="not-built", target=Path(base))
            return self._into_node_modules(importer.parent, base) or Resolution(None, "unresolved",
                                                                                problem="not-found")
        if spec.startswith("node:"):
            return Resolution(None, "builtin")
        conditions = conditions_for(kind)
        if not in_node_modules(importer):
            via_ts = self._tsconfig(importer, spec)
            if via_ts is not None:
                return via_ts
        if spec.startswith("#"):
            return self._package_imports(importer, spec, conditions)
        return self._bare(importer.parent, spec, conditions)

    # -- files ---------------------------------------------------------------------------------

    def _file(self, base: str) -> str | None:
        if self.fs.is_file(base):
            return base
        for ext in EXTENSIONS:
            if self.fs.is_file(base + ext):
                return base + ext
        stem, ext = os.path.splitext(base)
        for replacement in _TS_FOR_JS.get(ext, ()):
            if self.fs.is_file(stem + replacement):
                return stem + replacement
        return None

    def _file_or_dir(self, base: str) -> str | None:
        found = self._file(base)
        if found is not None:
            return found
        if not self.fs.is_dir(base):
            return None
        manifest = self.fs.json(Path(base) / "package.json")
        if isinstance(manifest, dict):
            for name in MAIN_FIELDS:
                value = manifest.get(name)
                if isinstance(value, str) and value:
                    target = os.path.normpath(os.path.join(base, value))
                    found = self._file(target) or (self._index(target) if self.fs.is_dir(target) else None)
                    if found:
                        return found
        return self._index(base)

    def _index(self, directory: str) -> str | None:
        for ext in EXTENSIONS:
            candidate = os.path.join(directory, "index" + ext)
            if self.fs.is_file(candidate):
                return candidate
        return None

    # -- tsconfig --------------------------------------------------------------------------------

    def tsconfig_for(self, importer: Path) -> TsConfig | None:
        path = self.tsconfig_override
        if path is None:
            path = self._nearest(str(importer.parent))
        if path is None:
            return None
        if path not in self._tsconfigs:
            self._tsconfigs[path] = self._load_tsconfig(path, 0)
        return self._tsconfigs[path]

    def _nearest(self, directory: str) -> Path | None:
        if directory in self._nearest_tsconfig:
            return self._nearest_tsconfig[directory]
        found: Path | None = None
        for name in ("tsconfig.json", "jsconfig.json"):
            if self.fs.is_file(os.path.join(directory, name)):
                found = Path(directory) / name
                break
        else:
            parent = os.path.dirname(directory)
            found = self._nearest(parent) if parent != directory else None
        self._nearest_tsconfig[directory] = found
        return found

    def _load_tsconfig(self, path: Path, depth: int) -> TsConfig | None:
        raw = self.fs.json(path)
        if not isinstance(raw, dict) or depth > 20:
            return None
        base_url: Path | None = None
        paths: tuple[tuple[str, tuple[str, ...]], ...] = ()
        paths_base = path.parent
        extends = raw.get("extends")
        for parent_spec in ([extends] if isinstance(extends, str) else extends if isinstance(extends, list) else []):
            parent_path = self._extends_path(path.parent, str(parent_spec))
            parent = self._load_tsconfig(parent_path, depth + 1) if parent_path else None
            if parent is not None:
                base_url = parent.base_url or base_url
                if parent.paths:
                    paths, paths_base = parent.paths, parent.paths_base
        options = raw.get("compilerOptions")
        if isinstance(options, dict):
            if isinstance(options.get("baseUrl"), str):
                base_url = (path.parent / options["baseUrl"]).resolve()
            table = options.get("paths")
            if isinstance(table, dict):
                paths = tuple((str(k), tuple(str(t) for t in v) if isinstance(v, list) else ())
                              for k, v in table.items())
                paths_base = path.parent
        return TsConfig(path, base_url, paths, paths_base)

    def _extends_path(self, directory: Path, spec: str) -> Path | None:
        if spec.startswith((".", "/")):
            candidate = (directory / spec).resolve()
            for option in (candidate, Path(str(candidate) + ".json"), candidate / "tsconfig.json"):
                if self.fs.is_file(str(option)):
                    return option
            return None
        name, sub = package_name(spec)
        package = self._find_package_dir(str(directory), name)
        if package is None:
            return None
        target = Path(package) / (sub[2:] if sub != "." else "tsconfig.json")
        for option in (target, Path(str(target) + ".json"), target / "tsconfig.json"):
            if self.fs.is_file(str(option)):
                return option
        return None

    def _tsconfig(self, importer: Path, spec: str) -> Resolution | None:
        config = self.tsconfig_for(importer)
        if config is None:
            return None
        base = config.base_url or config.paths_base
        if config.paths:
            exact = [targets for key, targets in config.paths if key == spec]
            matches: list[tuple[int, tuple[str, ...], str]] = []
            if exact:
                matches.append((len(spec), exact[0], ""))
            for key, targets in config.paths:
                if key.count("*") != 1:
                    continue
                prefix, suffix = key.split("*")
                if spec.startswith(prefix) and spec.endswith(suffix) and len(spec) >= len(prefix) + len(suffix):
                    matches.append((len(prefix), targets, spec[len(prefix) : len(spec) - len(suffix)]))
            if matches:
                _, targets, star = max(matches, key=lambda m: m[0])
                for target in targets:
                    candidate = os.path.normpath(os.path.join(str(base), target.replace("*", star)))
                    found = self._file_or_dir(candidate)
                    if found:
                        return Resolution(Path(found), "tsconfig-path")
        if config.base_url is not None:
            found = self._file_or_dir(os.path.normpath(os.path.join(str(config.base_url), spec)))
            if found:
                return Resolution(Path(found), "tsconfig-baseurl")
        return None

    # -- packages --------------------------------------------------------------------------------

    def _find_package_dir(self, start: str, name: str) -> str | None:
        directory = start
        while True:
            if os.path.basename(directory) != "node_modules":
                candidate = os.path.join(directory, "node_modules", name)
                if self.fs.is_dir(candidate):
                    return candidate
            parent = os.path.dirname(directory)
            if parent == directory:
                return None
            directory = parent

    def _bare(self, start: Path, spec: str, conditions: frozenset[str]) -> Resolution:
        name, subpath = package_name(spec)
        root = name.split("/")[0]
        directory = self._find_package_dir(str(start), name)
        how = "package"
        if directory is not None:
            directory = self.fs.realpath(directory)
            if not in_node_modules(directory):
                how = "workspace-package"
        elif name in self.workspace_packages:
            directory, how = str(self.workspace_packages[name]), "workspace-package"
        if directory is None:
            if root in NODE_BUILTINS and not name.startswith("@"):
                return Resolution(None, "builtin")
            declared = self.declared_dependency(start, name)
            return Resolution(None, "unresolved", name, "not-installed" if declared else "not-declared")
        found = self._in_package(directory, subpath, conditions)
        if found is None:
            if how == "workspace-package":
                return self._unbuilt(directory, subpath, conditions, name)
            return Resolution(None, "unresolved", name, "not-found")
        return Resolution(Path(found), how, name)

    def _into_node_modules(self, start: Path, base: str) -> Resolution | None:
        """A relative path into `node_modules/<pkg>/...` of a package that is declared but not installed."""
        parts = Path(base).parts
        if "node_modules" not in parts:
            return None
        rest = parts[len(parts) - 1 - parts[::-1].index("node_modules") + 1:]
        if not rest:
            return None
        name = "/".join(rest[:2]) if rest[0].startswith("@") and len(rest) > 1 else rest[0]
        folder = os.path.join(*parts[: len(parts) - len(rest)], *name.split("/"))
        if self.fs.is_dir(folder) or not self.declared_dependency(start, name):
            return None
        return Resolution(None, "unresolved", name, "not-installed")

    def _entry_target(self, directory: str, subpath: str, conditions: frozenset[str]) -> str | None:
        """The path a package's exports (or module/main for its root) names, whether or not it exists."""
        manifest = self.fs.json(Path(directory) / "package.json")
        if not isinstance(manifest, dict):
            return None
        if manifest.get("exports") is not None:
            target = match_exports(manifest["exports"], subpath, conditions)
        elif subpath == ".":
            target = next((v for k in MAIN_FIELDS if isinstance(v := manifest.get(k), str) and v), None)
        else:
            target = subpath
        return os.path.normpath(os.path.join(directory, target)) if target else None

    def _unbuilt(self, directory: str, subpath: str, conditions: frozenset[str], name: str) -> Resolution:
        """A workspace package whose entry is in its build-output folder, not built yet: its source
        when the build path maps onto one (`dist/x.js` -> `src/x.ts`), else unresolved "not-built"."""
        target = self._entry_target(directory, subpath, conditions)
        if target is None:
            return Resolution(None, "unresolved", name, "not-found")
        try:
            parts = Path(target).relative_to(directory).parts
        except ValueError:
            return Resolution(None, "unresolved", name, "not-found")
        if len(parts) < 2 or parts[0] not in OUTPUT_FOLDERS or self.fs.is_dir(os.path.join(directory, parts[0])):
            return Resolution(None, "unresolved", name, "not-found")
        stem = os.path.splitext(os.path.join(*parts[1:]))[0]
        stem = stem[: -len(".d")] if stem.endswith(".d") else stem
        found = self._file(os.path.join(directory, "src", stem))
        if found is not None and os.path.splitext(found)[1] in _SOURCE_SUFFIXES:
            return Resolution(Path(found), "workspace-package", name)
        return Resolution(None, "unresolved", name, "not-built", Path(target))

    def _in_package(self, directory: str, subpath: str, conditions: frozenset[str]) -> str | None:
        manifest = self.fs.json(Path(directory) / "package.json")
        if isinstance(manifest, dict) and manifest.get("exports") is not None:
            target = match_exports(manifest["exports"], subpath, conditions)
            if target is None:
                return None
            path = os.path.normpath(os.path.join(directory, target))
            return path if self.fs.is_file(path) else self._file(path)
        if subpath == ".":
            return self._file_or_dir(directory)
        return self._file_or_dir(os.path.normpath(os.path.join(directory, subpath)))

    def _package_imports(self, importer: Path, spec: str, conditions: frozenset[str]) -> Resolution:
        directory = importer.parent
        for folder in (directory, *directory.parents):
            manifest = self.fs.json(folder / "package.json")
            if manifest is None:
                continue
            imports = manifest.get("imports") if isinstance(manifest, dict) else None
            target = match_exports(imports, spec, conditions) if isinstance(imports, dict) else None
            if target is None:
                return Resolution(None, "unresolved", problem="not-found")
            if target.startswith("./"):
                path = os.path.normpath(os.path.join(str(folder), target))
                found = path if self.fs.is_file(path) else self._file(path)
                return Resolution(Path(found), "package-imports") if found else \
                    Resolution(None, "unresolved", problem="not-found")
            resolved = self._bare(folder, target, conditions)
            return resolved
        return Resolution(None, "unresolved", problem="not-found")

    def _alias(self, spec: str) -> Resolution:
        """A wrangler `alias`: Node's require.resolve from the project root."""
        value = self.alias[spec]
        if value.startswith(("./", "../", "/")) or value in (".", ".."):
            base = os.path.normpath(os.path.join(str(self.project_root), value))
            for candidate in (base, base + ".js", base + ".json", base + ".node"):
                if self.fs.is_file(candidate):
                    return Resolution(Path(candidate), "alias")
            if self.fs.is_dir(base):
                found = self._file_or_dir(base)
                if found:
                    return Resolution(Path(found), "alias")
            return Resolution(None, "unresolved", problem="not-found")
        resolved = self._bare(self.project_root, value, frozenset({"node", "require", "default"}))
        if resolved.path is None:
            return resolved
        return Resolution(resolved.path, "alias" if not resolved.third_party else "package", resolved.package)

    def declared_dependency(self, start: Path, name: str) -> bool:
        """Whether a package.json at or above `start` lists `name` among its dependencies."""
        key = (start, name)
        if key not in self.fs._declared:
            self.fs._declared[key] = self._declared_dependency(start, name)
        return self.fs._declared[key]

    def _declared_dependency(self, start: Path, name: str) -> bool:
        for folder in (start, *start.parents):
            manifest = self.fs.json(folder / "package.json")
            if isinstance(manifest, dict):
                for key in _DEPENDENCY_FIELDS:
                    deps = manifest.get(key)
                    if isinstance(deps, dict) and name in deps:
                        return True
            if self.fs.is_dir(str(folder / ".git")):
                break
        return False


def match_exports(exports: Any, subpath: str, conditions: frozenset[str]) -> str | None:
    """Node's PACKAGE_EXPORTS_RESOLVE / PACKAGE_IMPORTS_RESOLVE on one map: the target path or None."""
    if not isinstance(exports, dict) or not any(str(k).startswith((".", "#")) for k in exports):
        exports = {".": exports}
    if subpath in exports and "*" not in subpath:
        return _target(exports[subpath], "", conditions)
    best: tuple[int, str, str] | None = None
    for key in exports:
        key = str(key)
        if key.count("*") == 1:
            prefix, suffix = key.split("*")
            if subpath.startswith(prefix) and subpath.endswith(suffix) and len(subpath) >= len(key) \
                    and (best is None or len(prefix) > best[0]):
                best = (len(prefix), key, subpath[len(prefix) : len(subpath) - len(suffix)])
        elif key.endswith("/") and subpath.startswith(key) and (best is None or len(key) > best[0]):
            best = (len(key), key, subpath[len(key):])
    if best is None:
        return None
    _, key, rest = best
    target = exports[key]
    if key.endswith("/") and isinstance(target, str):
        return target + rest
    return _target(target, rest, conditions)


def _target(target: Any, star: str, conditions: frozenset[str]) -> str | None:
    if isinstance(target, str):
        return target.replace("*", star)
    if isinstance(target, list):
        for item in target:
            found = _target(item, star, conditions)
            if found is not None:
                return found
        return None
    if isinstance(target, dict):
        for key, value in target.items():
            if key in conditions:
                found = _target(value, star, conditions)
                if found is not None:
                    return found
                if value is None:
                    return None
        return None
    return None
