"""A Worker's module graph: the files wrangler would bundle, from its entry point.

`build_graph(worker)` starts at the entry (`main`, or the `entry` override of mbv.toml), follows
every import the way wrangler's esbuild resolves it (`graph.resolve`), and records for each
project module how it was reached and by which importer, each third-party package imported
(name, version, size on disk) and each import that resolves to nothing, with file:line.
Third-party packages are not followed into. A Worker without `main` has no code (assets only);
a `main` under a build folder or missing on disk is not read (the graph says why).
"""

from __future__ import annotations

import fnmatch
import os
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from mbv_cli.core.code.cache import FactsCache, content_digest
from mbv_cli.core.graph.resolve import FileSystemCache, Resolver, in_node_modules
from mbv_cli.core.graph.specifiers import Specifier, extract
from mbv_cli.core.graph.workspaces import workspace_packages

if TYPE_CHECKING:
    from mbv_cli.core.wrangler.environments import ResolvedWorker

CODE_SUFFIXES = frozenset({".ts", ".tsx", ".mts", ".cts", ".js", ".mjs", ".cjs", ".jsx"})
BUILD_FOLDERS = frozenset({"dist", "build", "out", ".output", ".open-next", ".svelte-kit", ".vercel",
                           ".next", ".nuxt", ".wrangler", ".netlify", ".mastra", ".vinxi"})
MAX_TEXT_BYTES = 2 * 1024 * 1024
# wrangler's default module rules (deployment-bundle/rules.ts), used with find_additional_modules
DEFAULT_RULES = (("ESModule", ("**/*.mjs",)), ("CommonJS", ("**/*.js", "**/*.cjs")),
                 ("Text", ("**/*.txt", "**/*.html", "**/*.sql")), ("Data", ("**/*.bin",)),
                 ("CompiledWasm", ("**/*.wasm", "**/*.wasm?module")))


@dataclass(slots=True)
class Module:
    """A project file of the graph and the first import that reached it."""

    path: Path
    how: str  # entry, relative, tsconfig-path, tsconfig-baseurl, package-imports, alias, workspace-package,
    #           module-rule, additional-module
    importer: Path | None = None
    line: int | None = None
    dynamic: bool = False
    type_only: bool = True  # reached only through `import type` / `export type`

    @property
    def is_code(self) -> bool:
        return self.path.suffix in CODE_SUFFIXES


@dataclass(slots=True)
class Package:
    """A third-party package the project code imports (not followed into)."""

    name: str
    version: str | None
    directory: Path
    size: int
    importers: list[tuple[Path, int]] = field(default_factory=list)


@dataclass(frozen=True, slots=True)
class Unresolved:
    """An import that resolves to no file: the deploy fails with "Could not resolve"."""

    importer: Path
    line: int
    specifier: str
    problem: str  # not-found, not-declared, not-installed, not-built
    package: str | None = None
    type_only: bool = False
    target: Path | None = None  # not-built: the missing build output the package's entry names


@dataclass(slots=True)
class WorkerGraph:
    """One Worker's code as wrangler would bundle it."""

    config: Path
    name: str
    env: str | None
    directory: Path
    entry: Path | None
    status: str  # ok, no-main, main-missing, main-in-build, python
    entry_source: str = "main"  # main, mbv.toml, package.json (a script's `wrangler deploy src/index.ts`)
    modules: dict[Path, Module] = field(default_factory=dict)
    packages: dict[str, Package] = field(default_factory=dict)
    unresolved: list[Unresolved] = field(default_factory=list)
    # imports through which a framework loads more of the app's code itself (file-based routes, a build's
    # virtual module): (specifier, importer, line); the graph cannot see that code
    framework_imports: list[tuple[str, Path, int]] = field(default_factory=list)
    resolver: Resolver | None = None

    @property
    def has_code(self) -> bool:
        return self.status == "ok"

    @property
    def project_files(self) -> list[Path]:
        """The graph's source files outside third-party packages, in a stable order."""
        return sorted(m.path for m in self.modules.values() if m.is_code)

    @property
    def type_only_files(self) -> frozenset[Path]:
        """Project files reached only through type-only imports: read for their types, not bundled."""
        return frozenset(m.path for m in self.modules.values() if m.is_code and m.type_only)

    @property
    def note(self) -> str | None:
        """What to say when the Worker's code cannot be read (None when it can)."""
        where = display(self.config)
        main = self.entry and display(self.entry)
        if self.status == "no-main":
            return f"{where}: no `main`: the Worker has no code (assets only); code rules and code-based " \
                   "binding findings do not apply"
        if self.status == "main-missing":
            return (f"{where}: main {main} does not exist; build the Worker first, or set its source entry in "
                    f"{self._entry_setting()}")
        if self.status == "python":
            return (f"{where}: main {main} is a Python Worker; mbv reads JavaScript and TypeScript only, so code "
                    "rules and code-based binding findings do not apply")
        if self.status == "main-in-build":
            return (f"{where}: main {main} is build output; its code was not checked. Set the source entry "
                    f"in {self._entry_setting()}")
        return None

    def _entry_setting(self) -> str:
        """Where and what to write: mbv.toml's [entry] keys are relative to mbv.toml, which belongs at the
        repository root (reviews AF, AG of c36f9b3: a key relative to the current directory did nothing)."""
        from mbv_cli.core.wrangler.secretdocs import repository_root

        root = repository_root(self.directory) or self.directory
        try:
            key = self.directory.relative_to(root).as_posix() or "."
        except ValueError:
            root, key = self.directory, "."
        return (f"{display(root / 'mbv.toml')}: [entry] \"{key}\" = \"<its source entry, e.g. src/index.ts>\" "
                "(the key is relative to mbv.toml)")

    def resolve_import(self, importer: Path, specifier: str) -> Path | None:
        """The file `specifier` (imported by the file `importer`) leads to for this Worker, or None.

        None too for packages in node_modules, Node built-ins and runtime modules.
        """
        if self.resolver is None:
            return None
        found = self.resolver.resolve(importer, specifier)
        if found.path is None or found.third_party:
            return None
        return Path(os.path.realpath(found.path))


def display(path: Path) -> str:
    from mbv_cli.core.binding_list import display_path

    return display_path(path)


@dataclass(slots=True)
class GraphCache:
    """What several graphs of one run share: file system facts and each file's specifiers."""

    fs: FileSystemCache = field(default_factory=FileSystemCache)
    specifiers: dict[Path, list[Specifier]] = field(default_factory=dict)
    package_sizes: dict[Path, int] = field(default_factory=dict)
    workspaces: dict[Path, dict[str, Path]] = field(default_factory=dict)
    graphs: dict[tuple[Any, ...], WorkerGraph] = field(default_factory=dict)
    facts: FactsCache = field(default_factory=FactsCache.disabled)

    def specifiers_of(self, path: Path) -> list[Specifier]:
        found = self.specifiers.get(path)
        if found is None:
            try:
                found = [] if path.stat().st_size > MAX_TEXT_BYTES else self._extract(path, path.read_bytes())
            except OSError:
                found = []
            self.specifiers[path] = found
        return found

    def _extract(self, path: Path, data: bytes) -> list[Specifier]:
        if not self.facts.enabled:
            return extract(data.decode("utf-8", errors="replace"))
        entry = self.facts.entry(path, content_digest(data))
        if entry.specifiers is None:
            entry.specifiers = extract(data.decode("utf-8", errors="replace"))
            self.facts.changed = True
        return list(entry.specifiers)

    def package_size(self, directory: Path) -> int:
        if directory not in self.package_sizes:
            total = 0
            for dirpath, dirnames, filenames in os.walk(directory):
                dirnames[:] = [d for d in dirnames if d != "node_modules"]
                for name in filenames:
                    try:
                        total += os.lstat(os.path.join(dirpath, name)).st_size
                    except OSError:
                        continue
            self.package_sizes[directory] = total
        return self.package_sizes[directory]


def in_build_folder(path: Path, directory: Path) -> bool:
    try:
        parts = path.relative_to(directory).parts
    except ValueError:
        parts = path.parts
    return any(p in BUILD_FOLDERS for p in parts[:-1])


def entry_for(worker: ResolvedWorker, overrides: dict[Path, str] | None = None) -> tuple[Path | None, str, str]:
    """(entry path, status, source) of a Worker: its `main`, or the mbv.toml override."""
    directory = worker.directory.resolve()
    override = (overrides or {}).get(directory)
    if override is not None:
        path = (directory / override).resolve()
        return path, "ok" if path.is_file() else "main-missing", "mbv.toml"
    main = worker.settings.get("main")
    if not isinstance(main, str) or not main:
        # a Pages project has no script entry; a script's entry is its own config's when it names none
        scripted = script_entry(directory) if not worker.settings.get("pages_build_output_dir") else None
        if scripted is not None:
            return scripted, "ok", "package.json"
        return None, "no-main", "main"
    path = Path(os.path.normpath(directory / main))
    if in_build_folder(path, directory):
        return path, "main-in-build", "main"
    if not path.is_file():
        return path, "main-missing", "main"
    if path.suffix == ".py":  # a Python Worker: its code is not JavaScript (review AA of badf8a8: deos)
        return path, "python", "main"
    return Path(os.path.realpath(path)), "ok", "main"


_WRANGLER_SCRIPT = re.compile(
    r"\bwrangler\s+(?:deploy|dev|publish|versions\s+upload)\s+(?:--?[\w-]+(?:=\S+)?\s+)*"
    r"(?!-)([\w./@-]+\.(?:ts|tsx|mts|js|jsx|mjs|cjs))(?=\s|$|[;&|\"'])"
)


_CONFIG_OPTION = re.compile(r"(?:^|\s)(?:-c|--config)(?:=|\s)")


def script_entry(directory: Path) -> Path | None:
    """The entry a package.json script gives wrangler on the command line (`wrangler deploy src/index.ts`) when the
    config has no `main`: wrangler takes that positional argument as the Worker's entry point."""
    import json

    manifest = directory / "package.json"
    try:
        if not manifest.is_file() or manifest.stat().st_size > 1024 * 1024:
            return None
        scripts = json.loads(manifest.read_text(encoding="utf-8", errors="replace")).get("scripts")
    except (OSError, ValueError, AttributeError):
        return None
    if not isinstance(scripts, dict):
        return None
    for name in sorted(scripts, key=lambda n: (n not in ("deploy", "dev", "start"), n)):
        value = scripts[name]
        match = _WRANGLER_SCRIPT.search(value) if isinstance(value, str) else None
        if match is not None and _CONFIG_OPTION.search(value) is None:  # `--config other/wrangler.toml`: not ours
            path = Path(os.path.normpath(directory / match.group(1)))
            if path.is_file() and not in_build_folder(path, directory):
                return Path(os.path.realpath(path))
    return None


def build_graph(worker: ResolvedWorker, *, cache: GraphCache | None = None,
                overrides: dict[Path, str] | None = None) -> WorkerGraph:
    """The module graph of one resolved Worker (one environment)."""
    cache = cache or GraphCache()
    entry, status, source = entry_for(worker, overrides)
    settings = worker.settings
    raw_alias = settings.get("alias")
    alias: dict[str, Any] = raw_alias if isinstance(raw_alias, dict) else {}
    tsconfig = settings.get("tsconfig") if isinstance(settings.get("tsconfig"), str) else None
    directory = worker.directory.resolve()
    key = (entry, status, tuple(sorted((str(k), str(v)) for k, v in alias.items())), tsconfig,
           bool(settings.get("find_additional_modules")), bool(settings.get("no_bundle")), repr(settings.get("rules")),
           settings.get("base_dir"))
    graph = WorkerGraph(worker.config.path.resolve(), worker.name, worker.env, directory, entry, status, source)
    known = cache.graphs.get(key)
    if known is not None:  # environments sharing a main share the graph
        graph.modules, graph.packages, graph.unresolved, graph.resolver, graph.framework_imports = \
            known.modules, known.packages, known.unresolved, known.resolver, known.framework_imports
        return graph
    cache.graphs[key] = graph
    if status != "ok" or entry is None:
        return graph
    if directory not in cache.workspaces:
        cache.workspaces[directory] = workspace_packages(directory, cache.fs)
    resolver = Resolver(directory, alias={str(k): str(v) for k, v in alias.items()},
                        tsconfig=(directory / tsconfig).resolve() if tsconfig else None,
                        workspace_packages=cache.workspaces[directory], fs=cache.fs)
    graph.resolver = resolver
    _walk(graph, entry, resolver, cache)
    graph.framework_imports.extend(_framework_builds(directory))
    if settings.get("find_additional_modules") or settings.get("no_bundle"):
        _additional_modules(graph, settings)  # wrangler's no-bundle upload always collects them
    graph.packages = dict(sorted(graph.packages.items(), key=lambda kv: (-kv[1].size, kv[0])))
    return graph


# Specifiers of a framework's server entry that loads the app's routes itself (TanStack Start's
# `server-entry`, and `createStartHandler` of `.../server`, whose handler imports the generated route tree; the
# Astro adapter's `@astrojs/cloudflare/entrypoints/server`, which serves the built pages and their integrations), and the virtual modules a Vite plugin
# builds from the app's files (`virtual:react-router/server-build`, `virtual:remix/server-build`): the code
# they bring in is never imported by name, so the module graph cannot reach it.
_APP_LOADERS = re.compile(r"^(?:virtual:|@tanstack/[\w-]*start(?:/[\w-]+)*/server(?:-entry)?$"
                          r"|@astrojs/cloudflare/entrypoints/)")


_ASTRO_CONFIGS = ("astro.config.mjs", "astro.config.ts", "astro.config.js", "astro.config.mts")


def _framework_builds(directory: Path) -> list[tuple[str, Path, int]]:
    """An Astro project built with the Cloudflare adapter: `main` is the adapter's `workerEntryPoint`, and the
    build bundles the pages and integrations with it (review Z of 43535be: temis, `export { default } from
    "@emdash-cms/cloudflare/worker"`)."""
    for name in _ASTRO_CONFIGS:
        path = directory / name
        try:
            if path.is_file() and path.stat().st_size < 1_000_000 and b"@astrojs/cloudflare" in path.read_bytes():
                return [("@astrojs/cloudflare", path, 1)]
        except OSError:
            continue
    return []


def loads_app_code(specifier: str) -> bool:
    """Whether importing `specifier` makes a framework load more of the app's code than the graph can see."""
    return _APP_LOADERS.match(specifier) is not None


def _walk(graph: WorkerGraph, entry: Path, resolver: Resolver, cache: GraphCache) -> None:
    graph.modules[entry] = Module(entry, "entry", type_only=False)
    queue = [entry]
    while queue:
        current = queue.pop()
        if current.suffix not in CODE_SUFFIXES:
            continue
        for spec in cache.specifiers_of(current):
            if not spec.type_only and loads_app_code(spec.text):
                graph.framework_imports.append((spec.text, current, spec.line))
            found = resolver.resolve(current, spec.text, spec.kind)
            if found.path is None:
                if found.how == "unresolved" and found.problem is not None:
                    graph.unresolved.append(Unresolved(current, spec.line, spec.text, found.problem,
                                                       found.package, spec.type_only, found.target))
                continue
            if found.third_party:
                _record_package(graph, found.package or spec.text, found.path, current, spec.line, cache)
                continue
            target = Path(cache.fs.realpath(str(found.path)))
            if in_node_modules(target):
                _record_package(graph, found.package or spec.text, target, current, spec.line, cache)
                continue
            # what a type-only import reaches is erased by the bundler, and so is everything it imports in turn
            type_only = spec.type_only or graph.modules[current].type_only
            known = graph.modules.get(target)
            if known is None:
                graph.modules[target] = Module(target, found.how, current, spec.line, spec.kind == "dynamic",
                                               type_only)
                queue.append(target)
            elif known.type_only and not type_only:
                known.type_only = False
                queue.append(target)  # now bundled: what it imports is too


def _record_package(graph: WorkerGraph, name: str, path: Path, importer: Path, line: int, cache: GraphCache) -> None:
    package = graph.packages.get(name)
    if package is None:
        directory, version = _package_root(Path(os.path.realpath(path)), name, cache)
        package = graph.packages[name] = Package(name, version, directory, cache.package_size(directory))
    package.importers.append((importer, line))


def _package_root(path: Path, name: str, cache: GraphCache) -> tuple[Path, str | None]:
    for folder in path.parents:
        manifest = cache.fs.json(folder / "package.json")
        if isinstance(manifest, dict) and (manifest.get("name") == name or folder.parent.name == "node_modules"
                                           or folder.parent.name.startswith("@")):
            version = manifest.get("version")
            return folder, version if isinstance(version, str) else None
    return path.parent, None


def _additional_modules(graph: WorkerGraph, settings: dict[str, Any]) -> None:
    """`find_additional_modules`: files under base_dir matching the module rules are uploaded too."""
    assert graph.entry is not None
    base = graph.directory / str(settings["base_dir"]) if isinstance(settings.get("base_dir"), str) \
        else graph.entry.parent
    globs: list[str] = []
    rules = settings.get("rules")
    for rule in rules if isinstance(rules, list) else []:
        if isinstance(rule, dict) and isinstance(rule.get("globs"), list):
            globs += [str(g) for g in rule["globs"]]
    globs += [g for _, patterns in DEFAULT_RULES for g in patterns]
    for dirpath, dirnames, filenames in os.walk(base):
        dirnames[:] = [d for d in dirnames if d != "node_modules" and not d.startswith(".")]
        for name in filenames:
            path = Path(dirpath) / name
            rel = path.relative_to(base).as_posix()
            if any(fnmatch.fnmatch(rel, g) or fnmatch.fnmatch(rel, g.removeprefix("**/")) for g in globs):
                target = Path(os.path.realpath(path))
                if target not in graph.modules:
                    graph.modules[target] = Module(target, "additional-module", type_only=False)
