"""A deployed Worker as Cloudflare's API describes it, fetched with GETs only.

Shapes (cloudflare-typescript `src/resources/workers/scripts/`): `script-and-version-settings.ts`
(GET .../settings: `bindings[{name, type, ...id fields}]`, `compatibility_date`, `compatibility_flags`),
`secrets.ts` (GET .../secrets: `[{name, type: "secret_text"}]`), `deployments.ts` (GET .../deployments:
`{deployments: [{id, created_on, source, author_email, annotations{"workers/message"}, versions[{version_id,
percentage}]}]}`, newest first), `versions.ts` (GET .../versions/{id}: `metadata{author_email, created_on,
source}`, `annotations{"workers/tag", "workers/message"}`). wrangler reads the newest deployment as
`deployments[0]` (workers-sdk deploy-helpers `versions-api.ts` fetchLatestDeployment).
Secret values are never returned by the API, and nothing here keeps one.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from mbv_cli.core.cloudflare import CloudflareClient

# API binding type -> (mbv binding kind, the field holding the resource it points at)
API_KINDS: dict[str, tuple[str, str | None]] = {
    "kv_namespace": ("kv_namespace", "namespace_id"),
    "d1": ("d1_database", "database_id"),
    "r2_bucket": ("r2_bucket", "bucket_name"),
    "durable_object_namespace": ("durable_object_namespace", "class_name"),
    "service": ("service", "service"),
    "queue": ("queue", "queue_name"),
    "analytics_engine": ("analytics_engine_dataset", "dataset"),
    "vectorize": ("vectorize", "index_name"),
    "hyperdrive": ("hyperdrive", "id"),
    "workflow": ("workflow", "workflow_name"),
    "dispatch_namespace": ("dispatch_namespace", "namespace"),
    "mtls_certificate": ("mtls_certificate", "certificate_id"),
    "pipelines": ("pipeline", "pipeline"),
    "secrets_store_secret": ("secrets_store_secret", "secret_name"),
    "ratelimit": ("ratelimit", "namespace_id"),
    "ai_search": ("ai_search", "instance_name"),
    "ai_search_namespace": ("ai_search_namespace", "namespace"),
    "flagship": ("flagship", "app_id"),
    "ai": ("ai", None),
    "browser": ("browser", None),
    "images": ("images", None),
    "media": ("media", None),
    "version_metadata": ("version_metadata", None),
    "send_email": ("send_email", None),
    "assets": ("assets", None),
    "text_blob": ("text_blob", None),
    "data_blob": ("data_blob", None),
    "wasm_module": ("wasm_module", None),
    "plain_text": ("var", None),
    "json": ("var", None),
    "secret_text": ("secret", None),
    "secret_key": ("secret", None),
}

# mbv binding kind -> the config field naming the same resource (wrangler.md section 1)
CONFIG_ID_FIELDS: dict[str, str] = {
    "kv_namespace": "id", "d1_database": "database_id", "r2_bucket": "bucket_name",
    "durable_object_namespace": "class_name", "service": "service", "queue": "queue",
    "analytics_engine_dataset": "dataset", "vectorize": "index_name", "hyperdrive": "id", "workflow": "name",
    "dispatch_namespace": "namespace", "mtls_certificate": "certificate_id", "pipeline": "pipeline",
    "secrets_store_secret": "secret_name", "ratelimit": "namespace_id", "ai_search": "instance_name",
    "ai_search_namespace": "namespace", "flagship": "app_id",
}


@dataclass(frozen=True, slots=True)
class DeployedBinding:
    """One member of the live Worker's env: `kind` in mbv's terms, `api_type` as the API names it,
    `resource` the id/name it points at; `value` only for a plain-text/JSON var (never a secret)."""

    name: str
    kind: str
    api_type: str
    resource: str | None = None
    value: Any = None

    def to_dict(self) -> dict[str, Any]:
        return {"kind": self.kind, "type": self.api_type, "resource": self.resource}


@dataclass(frozen=True, slots=True)
class Deployment:
    """The newest deployment: when, by whom, from where, and the version it serves most."""

    id: str | None
    created_on: str | None
    author_email: str | None
    source: str | None
    message: str | None
    tag: str | None
    version_id: str | None
    version_number: int | None
    percentage: float | None
    versions: int = 1

    @property
    def when(self) -> str:
        """`2026-11-20 14:03 UTC` (the API's ISO time shortened), or "an unknown date"."""
        text = self.created_on or ""
        if len(text) >= 16 and text[10] == "T":
            return f"{text[:10]} {text[11:16]} UTC"
        return text or "an unknown date"

    def to_dict(self) -> dict[str, Any]:
        return {"id": self.id, "created_on": self.created_on, "author_email": self.author_email,
                "source": self.source, "message": self.message, "tag": self.tag, "version_id": self.version_id,
                "version_number": self.version_number, "percentage": self.percentage, "versions": self.versions}


@dataclass(slots=True)
class DeployedWorker:
    """A Worker script as it runs: its bindings (secrets by name only), compatibility, newest deployment."""

    script: str
    account_id: str
    bindings: dict[str, DeployedBinding] = field(default_factory=dict)
    compatibility_date: str | None = None
    compatibility_flags: tuple[str, ...] = ()
    deployment: Deployment | None = None

    def get(self, name: str) -> DeployedBinding | None:
        return self.bindings.get(name)

    @property
    def deployed_when(self) -> str:
        return self.deployment.when if self.deployment is not None else "an unknown date"


def deployed_binding(item: Mapping[str, Any]) -> DeployedBinding | None:
    """One API binding object -> DeployedBinding (None without a string `name`)."""
    name, api_type = item.get("name"), str(item.get("type") or "")
    if not isinstance(name, str):
        return None
    kind, id_field = API_KINDS.get(api_type, (api_type or "unknown", None))
    resource = item.get(id_field) if id_field else None
    if api_type == "d1" and resource is None:
        resource = item.get("id")
    value: Any = None
    if api_type == "plain_text":
        value = item.get("text")
    elif api_type == "json":
        value = item.get("json")
    return DeployedBinding(name, kind, api_type, None if resource is None else str(resource), value)


def _deployment(client: CloudflareClient, script: str, account: str) -> Deployment | None:
    deployments = client.worker_deployments(script, account_id=account)
    if not deployments:
        return None
    latest = deployments[0]
    versions = [v for v in latest.get("versions") or [] if isinstance(v, dict) and v.get("version_id")]
    main = max(versions, key=lambda v: float(v.get("percentage") or 0), default=None)
    version: dict[str, Any] = {}
    if main is not None:
        version = client.worker_version(script, str(main["version_id"]), account_id=account)
    annotations = {**_mapping(version.get("annotations")), **_mapping(latest.get("annotations"))}
    metadata = _mapping(version.get("metadata"))
    number = version.get("number")
    return Deployment(
        id=_text(latest.get("id")), created_on=_text(latest.get("created_on")),
        author_email=_text(latest.get("author_email") or metadata.get("author_email")),
        source=_text(latest.get("source") or metadata.get("source")),
        message=_text(annotations.get("workers/message")),
        tag=_text(_mapping(version.get("annotations")).get("workers/tag")),
        version_id=None if main is None else str(main["version_id"]),
        version_number=number if isinstance(number, int) and not isinstance(number, bool) else None,
        percentage=None if main is None else float(main.get("percentage") or 0), versions=len(versions),
    )


def fetch_deployed(client: CloudflareClient, script: str, account_id: str) -> DeployedWorker | None:
    """The live state of `script`, or None when the account has no Worker of that name."""
    from mbv_cli.core.cloudflare import WorkerNotFound

    try:
        settings = client.worker_settings(script, account_id=account_id)
        secrets = client.worker_secrets(script, account_id=account_id)
        deployment = _deployment(client, script, account_id)
    except WorkerNotFound:
        return None
    state = DeployedWorker(script, account_id)
    for item in settings.get("bindings") or []:
        binding = deployed_binding(item) if isinstance(item, Mapping) else None
        if binding is not None:
            state.bindings[binding.name] = binding
    for item in secrets:
        name = item.get("name")
        if isinstance(name, str) and name not in state.bindings:
            state.bindings[name] = DeployedBinding(name, "secret", str(item.get("type") or "secret_text"))
    date = settings.get("compatibility_date")
    state.compatibility_date = date if isinstance(date, str) and date else None
    flags = settings.get("compatibility_flags")
    state.compatibility_flags = tuple(str(f) for f in flags) if isinstance(flags, list) else ()
    state.deployment = deployment
    return state


def _mapping(value: Any) -> Mapping[str, Any]:
    return value if isinstance(value, Mapping) else {}


def _text(value: Any) -> str | None:
    return value if isinstance(value, str) and value else None


def same_value(config_value: Any, deployed: DeployedBinding) -> bool:
    """A config var against a deployed plain_text/json var (wrangler uploads strings as plain_text)."""
    if deployed.api_type == "plain_text":
        return isinstance(config_value, str) and config_value == deployed.value
    return json.dumps(config_value, sort_keys=True) == json.dumps(deployed.value, sort_keys=True)
