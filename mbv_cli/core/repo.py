"""The repository a run belongs to: the git top level that CI tools place paths against.

GitHub annotations and SARIF locations are resolved against the repository root, not the
directory mbv ran from (`working-directory: workers/api` is common), so every machine format
writes paths relative to the git top level. Outside a git repository the current directory
stands in for it. The top level is found by walking up to a `.git` directory or file (a
worktree), without running git; only `provenance()` asks git for the commit and the remote.
"""

from __future__ import annotations

import os
import subprocess
from collections.abc import Iterable
from pathlib import Path
from typing import Any


def git_root(start: Path | None = None) -> Path | None:
    """The nearest directory at or above `start` (default: the cwd) holding `.git`, resolved."""
    here = (start or Path.cwd()).resolve()
    for directory in (here, *here.parents):
        if (directory / ".git").exists():
            return directory
    return None


def ci_root(files: Iterable[str | None] = ()) -> Path:
    """What CI paths are relative to: the git top level of the cwd, else of the first of `files` (mbv run
    from outside the repository on a path inside it), else the cwd."""
    found = git_root()
    if found is None:
        first = next((f for f in files if f), None)
        found = git_root((Path.cwd() / first).parent) if first else None
    return found or Path.cwd().resolve()


def ci_path(file: str, root: Path) -> str:
    """`file` (relative to the cwd, or absolute) relative to `root` with `/`; absolute when outside it."""
    path = Path(file)
    absolute = path if path.is_absolute() else Path.cwd() / path
    absolute = Path(os.path.normpath(absolute))
    try:
        return absolute.relative_to(root).as_posix()
    except ValueError:
        resolved = absolute.resolve()
        try:
            return resolved.relative_to(root).as_posix()
        except ValueError:
            return resolved.as_posix()


def provenance(root: Path) -> dict[str, Any] | None:
    """SARIF `versionControlProvenance` of `root`: remote URL, commit and branch; None without git."""
    def git(*args: str) -> str | None:
        try:
            proc = subprocess.run(["git", "-C", str(root), *args], capture_output=True, text=True, timeout=10,
                                  check=False)
        except (OSError, subprocess.SubprocessError):
            return None
        return proc.stdout.strip() or None if proc.returncode == 0 else None

    revision = git("rev-parse", "HEAD")
    if revision is None:
        return None
    entry: dict[str, Any] = {"repositoryUri": _public_url(git("config", "--get", "remote.origin.url")
                                                           or root.as_uri(), root),
                             "revisionId": revision, "mappedTo": {"uriBaseId": "%SRCROOT%"}}
    branch = git("rev-parse", "--abbrev-ref", "HEAD")
    if branch and branch != "HEAD":
        entry["branch"] = branch
    return entry


def _public_url(url: str, root: Path | None = None) -> str:
    """A remote as an https URL without credentials (`git@github.com:o/r.git` -> `https://github.com/o/r`)."""
    from urllib.parse import urlsplit, urlunsplit

    if url.startswith("git@") and ":" in url:
        host, _, path = url[4:].partition(":")
        url = f"https://{host}/{path}"
    parts = urlsplit(url)
    if parts.scheme in {"http", "https", "ssh", "git"}:
        netloc = parts.hostname or ""
        if parts.port:
            netloc += f":{parts.port}"
        scheme = "https" if parts.scheme in {"ssh", "git"} else parts.scheme
        path = parts.path[:-4] if parts.path.endswith(".git") else parts.path
        return urlunsplit((scheme, netloc, path, "", ""))
    if not parts.scheme or len(parts.scheme) == 1:  # a clone of a local path (`/srv/repo`, `../repo`, `C:\\r`)
        base = str(root) if root is not None else os.getcwd()  # a relative remote is relative to the repository
        return Path(os.path.abspath(os.path.join(base, url))).as_uri()  # SARIF wants an absolute URI (SARIF1005)
    return url
