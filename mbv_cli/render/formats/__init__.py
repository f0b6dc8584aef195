"""Machine formats: json (every result), sarif, github, junit (findings)."""
