"""What is deployed: a Worker's live bindings, secrets and latest deployment from Cloudflare's API,
diffed three ways against the code and the config (`--remote` on `mbv bindings` and `mbv doctor`).

`state` fetches (GET only, through `core.cloudflare`), `compare` diffs, `codes` documents MBV010-MBV014.
"""
