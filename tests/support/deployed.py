"""Deployed Workers for the Cloudflare API stand-in (`cf_api.FakeScript`), built from a config.

`deploy(fake, worker)` puts on the fake account what `wrangler deploy --env ENV` would leave there for
one resolved Worker/env: each binding as the API's GET .../settings lists it (the API's own type names
and id fields, written here by hand from cloudflare-typescript `script-and-version-settings.ts`, not
taken from mbv), each secret as `secret_text` (no value), the config's compatibility date and flags,
one deployment serving one version at 100%. Tests then perturb the result.
"""

from __future__ import annotations

import hashlib
import uuid
from pathlib import Path
from typing import Any

from mbv_cli.core.wrangler.environments import ResolvedWorker
from tests.support.cf_api import FakeCloudflare, FakeScript

WHEN = "2026-11-20T14:03:11.512934Z"
AUTHOR = "ops@mustbeviral.com"
TAG = "v1.4.2"
MESSAGE = "release 1.4.2: rate limits per IP"


def _api_binding(kind: str, name: str, entry: dict[str, Any]) -> dict[str, Any] | None:
    if kind == "kv_namespace":
        return {"name": name, "type": "kv_namespace", "namespace_id": entry.get("id") or _hex(name)}
    if kind == "d1_database":
        database = entry.get("database_id") or str(uuid.uuid5(uuid.NAMESPACE_DNS, name))
        return {"name": name, "type": "d1", "id": database, "database_id": database}
    if kind == "r2_bucket":
        return {"name": name, "type": "r2_bucket", "bucket_name": entry.get("bucket_name") or name.lower()}
    if kind == "durable_object_namespace":
        return {"name": name, "type": "durable_object_namespace", "class_name": entry.get("class_name"),
                "namespace_id": _hex(name + str(entry.get("class_name")))}
    if kind == "service":
        return {"name": name, "type": "service", "service": entry.get("service"), "environment": "production"}
    if kind == "queue":
        return {"name": name, "type": "queue", "queue_name": entry.get("queue")}
    if kind == "analytics_engine_dataset":
        return {"name": name, "type": "analytics_engine", "dataset": entry.get("dataset") or name}
    if kind == "vectorize":
        return {"name": name, "type": "vectorize", "index_name": entry.get("index_name")}
    if kind in ("ai", "browser", "images", "version_metadata"):
        return {"name": name, "type": kind}
    if kind == "var":
        value = entry.get("value")
        if isinstance(value, str):
            return {"name": name, "type": "plain_text", "text": value}
        return {"name": name, "type": "json", "json": value}
    if kind == "secret":
        return {"name": name, "type": "secret_text"}
    return None


def _hex(seed: str) -> str:
    return hashlib.md5(seed.encode(), usedforsecurity=False).hexdigest()


def deploy(fake: FakeCloudflare, worker: ResolvedWorker, *, when: str = WHEN, author: str = AUTHOR,
           tag: str = TAG, message: str = MESSAGE) -> FakeScript:
    bindings = [b for b in (_api_binding(x.kind, x.name, dict(x.entry)) for x in worker.bindings) if b]
    date = worker.settings.get("compatibility_date")
    script = FakeScript(bindings=bindings, compatibility_date=date if isinstance(date, str) else None,
                        compatibility_flags=list(worker.compatibility_flags))
    version_id = str(uuid.uuid5(uuid.NAMESPACE_URL, f"{worker.name}/{when}"))
    script.deployments = [{
        "id": str(uuid.uuid5(uuid.NAMESPACE_URL, f"{worker.name}/deployment/{when}")), "source": "wrangler",
        "strategy": "percentage", "author_email": author, "created_on": when,
        "annotations": {"workers/triggered_by": "deployment"},
        "versions": [{"version_id": version_id, "percentage": 100.0}],
    }]
    script.versions[version_id] = {
        "id": version_id, "number": 42,
        "metadata": {"author_email": author, "author_id": _hex(author), "created_on": when, "modified_on": when,
                     "source": "wrangler", "hasPreview": False},
        "annotations": {"workers/triggered_by": "upload", "workers/tag": tag, "workers/message": message},
        "resources": {"bindings": bindings,
                      "script": {"etag": _hex(worker.name), "handlers": ["fetch"], "last_deployed_from": "wrangler"},
                      "script_runtime": {"compatibility_date": script.compatibility_date,
                                         "compatibility_flags": script.compatibility_flags,
                                         "usage_model": "standard", "limits": {"cpu_ms": 30000}}},
        "startup_time_ms": 12,
    }
    fake.scripts[worker.name] = script
    return script


def deploy_example(fake: FakeCloudflare, root: Path) -> None:
    """Every Worker and env of the monorepo at `root` deployed as its config says."""
    from mbv_cli.core.wrangler.workspace import load_workspace, resolve_workers

    for worker in resolve_workers(load_workspace(root, None, nested=True), None, True):
        deploy(fake, worker)
