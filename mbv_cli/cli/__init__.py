"""The typer layer: parse options, call core, hand results to render."""
