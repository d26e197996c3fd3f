"""Where the real public files live: ``shared/realdata`` beside the repository (see its MANIFEST)."""
from __future__ import annotations

from pathlib import Path

REALDATA = Path(__file__).resolve().parents[1].parent / "shared" / "realdata"
