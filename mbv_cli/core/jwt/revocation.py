"""Is this token's `jti` on the revocation list, a Workers KV namespace keyed `blacklist:{jti}`?

Local: wrangler's own local KV state (wrangler.md section 5), opened read-only: the index
`<state>/v3/kv/miniflare-KVNamespaceObject/<hash>.sqlite` (table `_mf_entries(key, blob_id,
expiration, metadata)`) and the value bytes in `<state>/v3/kv/<namespace id>/blobs/<blob_id>`.
An entry whose `expiration` (ms since the epoch) has passed counts as absent, as Miniflare
treats it. Remote: Cloudflare's KV "read value" endpoint through `CloudflareClient.kv_get`.
"""

from __future__ import annotations

import time
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from mbv_cli.core.errors import InputError, TargetError, UsageError

DEFAULT_KEY_TEMPLATE = "blacklist:{jti}"


@dataclass(frozen=True, slots=True)
class RevocationRequest:
    binding: str
    worker_dir: Path | None = None
    env: str | None = None
    remote: bool = False
    key_template: str = DEFAULT_KEY_TEMPLATE
    persist_to: Path | None = None


@dataclass(frozen=True, slots=True)
class RevocationLookup:
    key: str
    found: bool
    where: str  # "local state <path>" or "namespace <id> (remote)"
    value_length: int | None = None
    note: str | None = None


def revocation_key(template: str, jti: str) -> str:
    if "{jti}" not in template:
        raise UsageError(f"--revocation-key {template!r} has no {{jti}} placeholder",
                         hint="e.g. --revocation-key 'blacklist:{jti}'")
    return template.replace("{jti}", jti)


def _kv_entry(request: RevocationRequest) -> tuple[Any, Mapping[str, Any]]:
    """The Worker (of --worker, or the one below the current directory that has the binding) and
    its `kv_namespaces` entry for the binding, in the selected env."""
    from mbv_cli.core.wrangler.workspace import load_workspace, resolve_workers

    workspace = load_workspace(request.worker_dir, None)
    workers = resolve_workers(workspace, request.env)
    owners = [(w, b) for w in workers for b in w.bindings
              if b.kind == "kv_namespace" and b.name == request.binding]
    if len(owners) == 1:
        return owners[0][0], owners[0][1].entry
    if owners:
        names = ", ".join(w.name for w, _ in owners)
        raise UsageError(f"KV binding {request.binding} exists in {len(owners)} Workers ({names})",
                         hint="pass the one to use with --worker DIR")
    kv = sorted({b.name for w in workers for b in w.bindings if b.kind == "kv_namespace"})
    env = workers[0].env if workers else None
    where = f"env {env}" if env else "the top level"
    target = workers[0].name if len(workers) == 1 else f"the Workers below {workspace.root}"
    raise TargetError(f"no KV namespace binding {request.binding!r} in {where} of {target}",
                      file=workers[0].config.path if len(workers) == 1 else None,
                      hint=f"KV bindings there: {', '.join(kv) or 'none'}")


def lookup_local(request: RevocationRequest, key: str, now: float | None = None) -> RevocationLookup:
    import sqlite3

    from mbv_cli.core.binding_list import display_path
    from mbv_cli.core.db.sqlite_file import inspect_file, open_read_only
    from mbv_cli.core.wrangler.state import local_kv_blob_dir, local_kv_index_path, persist_root

    worker, entry = _kv_entry(request)
    root = persist_root(worker.directory, request.persist_to)
    index = local_kv_index_path(root, entry)
    where = f"local state {display_path(index)}"
    if not index.is_file():
        # no state at all: most often the wrong --worker/--persist-to/--env, and "not revoked" would
        # be a verdict mbv cannot give; the user must point at real state (exit 2)
        raise InputError(f"no local KV state for {request.binding} at {display_path(index)}",
                         hint="run `wrangler dev` or `wrangler kv key put --local` once, or pass --persist-to/--worker")
    try:
        db = open_read_only(inspect_file(index)).connection  # no -wal/-shm left behind, path quoted
        try:
            row = db.execute("SELECT blob_id, expiration FROM _mf_entries WHERE key = ?", (key,)).fetchone()
        finally:
            db.close()
    except sqlite3.Error as exc:
        raise InputError(f"cannot read the local KV index: {exc}", file=index,
                         hint="is it a Miniflare KV state file?") from None
    if row is None:
        return RevocationLookup(key, False, where)
    blob_id, expiration = row
    current_ms = (time.time() if now is None else now) * 1000
    if expiration is not None and float(expiration) <= current_ms:
        return RevocationLookup(key, False, where, note="the entry exists but its KV expiration has passed")
    blob = local_kv_blob_dir(root, entry) / str(blob_id)
    length = blob.stat().st_size if blob.is_file() else None
    note = None if length is not None else "the index lists the key but its value blob is missing"
    return RevocationLookup(key, True, where, value_length=length, note=note)


def lookup_remote(request: RevocationRequest, key: str, *, transport: Any = None) -> RevocationLookup:
    from mbv_cli.core.cloudflare import CloudflareClient, credentials_from_env

    worker, entry = _kv_entry(request)
    namespace = entry.get("id")
    if not namespace:
        raise TargetError(f"KV binding {request.binding} has no id", file=worker.config.path,
                          hint="--remote needs the namespace id in the config")
    with CloudflareClient(credentials_from_env(), transport=transport) as client:
        value = client.kv_get(str(namespace), key)
    where = f"namespace {namespace} (remote)"
    return RevocationLookup(key, value is not None, where, value_length=None if value is None else len(value))


def lookup(request: RevocationRequest, jti: str, now: float | None = None) -> RevocationLookup:
    key = revocation_key(request.key_template, jti)
    return lookup_remote(request, key) if request.remote else lookup_local(request, key, now)
