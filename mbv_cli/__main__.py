"""`python -m mbv_cli` runs the same entry point as the `mbv` script."""

from __future__ import annotations

from mbv_cli.cli.main import main

if __name__ == "__main__":
    main()
