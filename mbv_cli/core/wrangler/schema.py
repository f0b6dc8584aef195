"""What wrangler 4.86 knows about config keys and binding kinds.

Sources: workers-utils `config/environment.ts` (EnvironmentInheritable 349-703,
EnvironmentNonInheritable 741-1512), `config/validation.ts` (normalizeAndValidateEnvironment
1392-2106), `config/config.ts` (ConfigFields 58-184) and wrangler `type-generation/index.ts`
(collectCoreBindings 1591-2081). See shared/reference/wrangler.md sections 1 and 2.
"""

from __future__ import annotations

from dataclasses import dataclass

INHERITABLE_KEYS: frozenset[str] = frozenset(
    ["account_id", "compatibility_date", "compatibility_flags", "jsx_factory", "jsx_fragment", "tsconfig", "rules", "name", "main", "find_additional_modules", "preserve_file_names", "base_dir", "route", "routes", "triggers", "assets", "limits", "placement", "build", "workers_dev", "preview_urls", "migrations", "logfwdr", "no_bundle", "minify", "keep_names", "first_party_worker", "logpush", "upload_source_maps", "observability", "cache", "compliance_region", "python_modules", "previews"]
)

NON_INHERITABLE_KEYS: frozenset[str] = frozenset(
    ["vars", "secrets", "define", "durable_objects", "workflows", "kv_namespaces", "cloudchamber", "containers", "send_email", "queues", "r2_buckets", "d1_databases", "vectorize", "ai_search_namespaces", "ai_search", "hyperdrive", "services", "analytics_engine_datasets", "dispatch_namespaces", "mtls_certificates", "tail_consumers", "streaming_tail_consumers", "unsafe", "browser", "ai", "images", "stream", "media", "pipelines", "secrets_store_secrets", "artifacts", "unsafe_hello_world", "flagship", "worker_loaders", "ratelimits", "vpc_services", "vpc_networks", "version_metadata"]
)

TOP_LEVEL_ONLY_KEYS: frozenset[str] = frozenset(
    ["legacy_env", "send_metrics", "dev", "site", "wasm_modules", "text_blobs", "data_blobs", "alias", "keep_vars", "pages_build_output_dir", "$schema", "env"]
)

# Keys wrangler accepts inside [env.X]; the rest of a known top-level key is top-level only.
ENVIRONMENT_KEYS = INHERITABLE_KEYS | NON_INHERITABLE_KEYS
TOP_LEVEL_KEYS = ENVIRONMENT_KEYS | TOP_LEVEL_ONLY_KEYS


@dataclass(frozen=True, slots=True)
class BindingKind:
    """One binding kind: where it sits in the config, which field names it, its TypeScript type."""

    kind: str  # mbv's stable kind id, e.g. "kv_namespace"
    key: str  # config key, e.g. "kv_namespaces"
    shape: str  # "array" | "object" | "nested" (array under `sub`) | "map"
    name_field: str  # "binding" | "name" | "" for maps
    ts_type: str
    sub: str = ""  # for shape "nested": the inner array key
    inheritable: bool = False
    top_level_only: bool = False


BINDING_KINDS: tuple[BindingKind, ...] = (
    BindingKind("kv_namespace", "kv_namespaces", "array", "binding", "KVNamespace"),
    BindingKind("d1_database", "d1_databases", "array", "binding", "D1Database"),
    BindingKind("r2_bucket", "r2_buckets", "array", "binding", "R2Bucket"),
    BindingKind(
        "durable_object_namespace", "durable_objects", "nested", "name", "DurableObjectNamespace",
        sub="bindings",
    ),
    BindingKind("service", "services", "array", "binding", "Fetcher"),
    BindingKind("queue", "queues", "nested", "binding", "Queue", sub="producers"),
    BindingKind(
        "analytics_engine_dataset", "analytics_engine_datasets", "array", "binding",
        "AnalyticsEngineDataset",
    ),
    BindingKind("vectorize", "vectorize", "array", "binding", "VectorizeIndex"),
    BindingKind("hyperdrive", "hyperdrive", "array", "binding", "Hyperdrive"),
    BindingKind("ai", "ai", "object", "binding", "Ai"),
    BindingKind("browser", "browser", "object", "binding", "Fetcher"),
    BindingKind("images", "images", "object", "binding", "ImagesBinding"),
    BindingKind("media", "media", "object", "binding", "MediaBinding"),
    BindingKind("stream", "stream", "object", "binding", "StreamBinding"),
    BindingKind("version_metadata", "version_metadata", "object", "binding", "WorkerVersionMetadata"),
    BindingKind("workflow", "workflows", "array", "binding", "Workflow"),
    BindingKind("dispatch_namespace", "dispatch_namespaces", "array", "binding", "DispatchNamespace"),
    BindingKind("mtls_certificate", "mtls_certificates", "array", "binding", "Fetcher"),
    BindingKind("send_email", "send_email", "array", "name", "SendEmail"),
    BindingKind("assets", "assets", "object", "binding", "Fetcher", inheritable=True),
    BindingKind(
        "pipeline", "pipelines", "array", "binding",
        'import("cloudflare:pipelines").Pipeline<import("cloudflare:pipelines").PipelineRecord>',
    ),
    BindingKind("secrets_store_secret", "secrets_store_secrets", "array", "binding", "SecretsStoreSecret"),
    BindingKind("ratelimit", "ratelimits", "array", "name", "RateLimit"),
    BindingKind("unsafe", "unsafe", "nested", "name", "any", sub="bindings"),
    BindingKind("worker_loader", "worker_loaders", "array", "binding", "WorkerLoader"),
    BindingKind("vpc_service", "vpc_services", "array", "binding", "Fetcher"),
    BindingKind("vpc_network", "vpc_networks", "array", "binding", "Fetcher"),
    BindingKind("ai_search_namespace", "ai_search_namespaces", "array", "binding", "AiSearchNamespace"),
    BindingKind("ai_search", "ai_search", "array", "binding", "AiSearchInstance"),
    BindingKind("artifacts", "artifacts", "array", "binding", "Artifacts"),
    BindingKind("flagship", "flagship", "array", "binding", "Flagship"),
    BindingKind("hello_world", "unsafe_hello_world", "array", "binding", "HelloWorldBinding"),
    BindingKind("text_blob", "text_blobs", "map", "", "string", top_level_only=True),
    BindingKind("data_blob", "data_blobs", "map", "", "ArrayBuffer", top_level_only=True),
)

KINDS_BY_ID: dict[str, BindingKind] = {k.kind: k for k in BINDING_KINDS}

# Every kind id that can appear in `bindings list` output, besides the table above.
EXTRA_KINDS = ("var", "secret", "logfwdr")

# The TypeScript types a hand-written Env may use for each kind (for MBV003).
TS_TYPE_NAMES: dict[str, frozenset[str]] = {
    k.kind: frozenset({k.ts_type.split("<")[0]}) for k in BINDING_KINDS
}
