"""Where wrangler keeps local state (Miniflare's persistence), so mbv can find the very same files.

wrangler `dev/get-local-persistence-path.ts` 29-46: the root is `--persist-to` resolved against
the current directory, else `<config dir>/.wrangler/state`. Miniflare `plugins/shared/index.ts`
281-294 names each Durable Object storage file by a keyed hash of the resource id; see
wrangler.md section 5. D1 hashes `preview_database_id ?? database_id ?? binding`, KV
`preview_id ?? id ?? binding`, R2 `preview_bucket_name ?? bucket_name ?? binding`.
"""

from __future__ import annotations

import hashlib
import hmac
from collections.abc import Mapping
from pathlib import Path
from typing import Any

D1_OBJECT = "miniflare-D1DatabaseObject"
KV_OBJECT = "miniflare-KVNamespaceObject"
R2_OBJECT = "miniflare-R2BucketObject"


def durable_object_file_name(unique_key: str, name: str) -> str:
    """The hex file stem Miniflare gives the Durable Object `name` of class `unique_key`."""
    key = hashlib.sha256(unique_key.encode()).digest()
    first = hmac.new(key, name.encode(), hashlib.sha256).digest()[:16]
    second = hmac.new(key, first, hashlib.sha256).digest()[:16]
    return (first + second).hex()


def persist_root(config_dir: Path, persist_to: str | Path | None = None, cwd: Path | None = None) -> Path:
    if persist_to is not None:
        return ((cwd or Path.cwd()) / persist_to).resolve()
    return config_dir / ".wrangler" / "state"


def d1_hashed_name(entry: Mapping[str, Any]) -> str:
    value = entry.get("preview_database_id") or entry.get("database_id") or entry.get("binding")
    return str(value)


def kv_hashed_name(entry: Mapping[str, Any]) -> str:
    return str(entry.get("preview_id") or entry.get("id") or entry.get("binding"))


def local_d1_path(root: Path, entry: Mapping[str, Any]) -> Path:
    """`<root>/v3/d1/miniflare-D1DatabaseObject/<hex>.sqlite` for one `d1_databases` entry."""
    stem = durable_object_file_name(D1_OBJECT, d1_hashed_name(entry))
    return root / "v3" / "d1" / D1_OBJECT / f"{stem}.sqlite"


def local_kv_index_path(root: Path, entry: Mapping[str, Any]) -> Path:
    """The SQLite index of a local KV namespace (table `_mf_entries`)."""
    stem = durable_object_file_name(KV_OBJECT, kv_hashed_name(entry))
    return root / "v3" / "kv" / KV_OBJECT / f"{stem}.sqlite"


def local_kv_blob_dir(root: Path, entry: Mapping[str, Any]) -> Path:
    """Where a local KV namespace keeps value bytes: `<root>/v3/kv/<namespace id>/blobs/`."""
    return root / "v3" / "kv" / kv_hashed_name(entry) / "blobs"
