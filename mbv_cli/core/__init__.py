"""mbv's library layer: plain functions and dataclasses, no typer and no rich."""
