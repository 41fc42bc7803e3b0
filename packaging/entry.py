"""The frozen app's entry script: the same ``stitchboard`` console entry as the installed package."""

from __future__ import annotations

import sys

from app.cli.main import main

if __name__ == "__main__":
    sys.exit(main())
