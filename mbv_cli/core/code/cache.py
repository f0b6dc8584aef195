"""The per-file facts cache: `.mbv_cache/` at the project root, as ruff keeps `.ruff_cache/`.

What one source file says is a function of its bytes and of mbv's code: its import specifiers (the
module graph), its bindings facts (the bindings diff), the async functions it declares and the code
rule findings (the latter also depend on the Worker's context, so they are kept per context key).
An entry is keyed by the file's path and the hash of its content; the whole cache by mbv's version
and a fingerprint of mbv's own source files, so an edited rule never serves stale findings.
The folder holds its own `.gitignore` ("*"). `--no-cache` or MBV_NO_CACHE=1 turns it off.
A cache that cannot be read or written is ignored: it only ever saves time.

The cache is a pickle, and a pickle from a checked-out repository must never be trusted: each
file is signed with HMAC-SHA256 under a key kept in the user's own cache folder
($XDG_CACHE_HOME/mbv/cache-key, mode 0600), and a file whose signature does not verify is ignored.
"""

from __future__ import annotations

import hashlib
import hmac
import os
import pickle
import tempfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

CACHE_DIR = ".mbv_cache"
FORMAT = 1


@dataclass(slots=True)
class FileEntry:
    """What is known about one file at one content hash; None = not computed yet."""

    digest: str
    specifiers: Any = None  # list[graph.specifiers.Specifier]
    facts: Any = None  # code.scan.FileFacts | SkippedFile (bindings), path as cached
    async_names: frozenset[str] | None = None
    findings: dict[str, tuple[Any, ...]] = field(default_factory=dict)  # context key -> findings
    statements: Any = None  # queries.extract.FileStatements: the SQL the file sends to D1


def content_digest(data: bytes) -> str:
    return hashlib.blake2b(data, digest_size=16).hexdigest()


def _fingerprint() -> str:
    """mbv's version and the size and mtime of each of its source files."""
    from mbv_cli import __version__

    package = Path(__file__).resolve().parents[2]
    h = hashlib.blake2b(f"{FORMAT}:{__version__}".encode(), digest_size=8)
    for dirpath, dirnames, filenames in os.walk(package):
        dirnames.sort()
        for name in sorted(filenames):
            if name.endswith(".py"):
                st = os.stat(os.path.join(dirpath, name))
                h.update(f"{name}:{st.st_size}:{st.st_mtime_ns};".encode())
    return h.hexdigest()


def _signing_key() -> bytes | None:
    """This user's key for signing cache files (created on first use), or None when unavailable."""
    try:
        base = Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache") / "mbv"
    except RuntimeError:  # no home directory
        return None
    path = base / "cache-key"
    try:
        key = path.read_bytes()
        if len(key) == 32:
            return key
    except FileNotFoundError:
        pass
    except OSError:
        return None
    try:
        base.mkdir(parents=True, exist_ok=True)
        key = os.urandom(32)
        fd, tmp = tempfile.mkstemp(dir=base, prefix=".cache-key-")  # mode 0600
        with os.fdopen(fd, "wb") as handle:
            handle.write(key)
        os.replace(tmp, path)
        return key
    except OSError:
        return None


def disabled_by_env() -> bool:
    return os.environ.get("MBV_NO_CACHE", "") not in ("", "0")


@dataclass(slots=True)
class FactsCache:
    """The entries of one project root, loaded once per run and saved once at its end."""

    directory: Path | None
    entries: dict[str, FileEntry] = field(default_factory=dict)
    changed: bool = False
    hits: int = 0
    key: bytes = b""

    @classmethod
    def disabled(cls) -> FactsCache:
        return cls(None)

    @classmethod
    def load(cls, root: Path) -> FactsCache:
        """The cache of `root` (empty when missing, unreadable or written by another mbv)."""
        key = _signing_key()
        if key is None:
            return cls.disabled()
        directory = root / CACHE_DIR
        cache = cls(directory, key=key)
        try:
            blob = (directory / f"facts-{_fingerprint()}.pickle").read_bytes()
            signature, payload = blob[:32], blob[32:]
            if not hmac.compare_digest(signature, hmac.new(key, payload, hashlib.sha256).digest()):
                return cache  # not written by this user's mbv: never unpickled
            loaded = pickle.loads(payload)
            if isinstance(loaded, dict):
                cache.entries = loaded
        except (OSError, pickle.UnpicklingError, EOFError, AttributeError, ImportError, ValueError, TypeError):
            pass
        return cache

    @property
    def enabled(self) -> bool:
        return self.directory is not None

    def entry(self, path: Path, digest: str) -> FileEntry:
        """The entry of `path` at `digest` (a fresh one when the content changed)."""
        key = str(path)
        found = self.entries.get(key)
        if found is None or found.digest != digest:
            found = FileEntry(digest)
            if self.enabled:
                self.entries[key] = found
                self.changed = True
        else:
            self.hits += 1
        return found

    def merge(self, fresh: dict[str, FileEntry]) -> None:
        """Entries computed in another process (a pool worker)."""
        if self.enabled and fresh:
            self.entries.update(fresh)
            self.changed = True

    def save(self) -> None:
        """Write the cache if anything changed (atomically; old fingerprints are removed)."""
        if not self.enabled or not self.changed:
            return
        assert self.directory is not None
        try:
            self.directory.mkdir(exist_ok=True)
            ignore = self.directory / ".gitignore"
            if not ignore.exists():
                ignore.write_text("# Automatically created by mbv.\n*\n", encoding="utf-8")
            name = f"facts-{_fingerprint()}.pickle"
            for old in self.directory.glob("facts-*.pickle"):
                if old.name != name:
                    old.unlink(missing_ok=True)
            payload = pickle.dumps(self.entries, protocol=pickle.HIGHEST_PROTOCOL)
            fd, tmp = tempfile.mkstemp(dir=self.directory, prefix=".facts-")
            with os.fdopen(fd, "wb") as handle:
                handle.write(hmac.new(self.key, payload, hashlib.sha256).digest() + payload)
            os.replace(tmp, self.directory / name)
        except (OSError, pickle.PicklingError, RecursionError):
            pass  # a read-only tree: the run is just not faster next time


def scan_with_cache(paths: list[Path], cache: FactsCache | None, scan: Any) -> list[Any]:
    """`scan(paths)` (the bindings facts of each file, in order) with the facts of unchanged files
    taken from `cache`; only the others are scanned, and their facts are stored."""
    if cache is None or not cache.enabled:
        return list(scan(paths))
    results: list[Any] = [None] * len(paths)
    missing: list[int] = []
    entries: list[FileEntry | None] = []
    for index, path in enumerate(paths):
        try:
            data = path.read_bytes()
        except OSError:
            entries.append(None)
            missing.append(index)
            continue
        entry = cache.entry(path, content_digest(data))
        entries.append(entry)
        if entry.facts is not None:
            results[index] = entry.facts
        else:
            missing.append(index)
    for index, facts in zip(missing, scan([paths[i] for i in missing]), strict=True):
        results[index] = facts
        stored = entries[index]
        if stored is not None:
            stored.facts = facts
            cache.changed = True
    return results
