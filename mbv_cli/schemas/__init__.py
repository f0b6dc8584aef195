"""The JSON Schemas of mbv's documents (data files; see mbv_cli.core.schemas)."""
