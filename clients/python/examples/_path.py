"""Lets the examples run from a checkout without installing the package (python3 examples/x.py)."""

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "src"))
