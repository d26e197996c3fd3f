"""Build ``data/reference/stats19_codes.csv`` from the DfT STATS19 code-to-label lookup.

Run from the repository root::

    python data/reference/build_stats19_codes.py

Source: ``../shared/realdata/uk_stats19/stats19_schema_code_labels.csv`` (DfT guidance as
packaged by ``ropensci/stats19``, ``data-raw/stats19_schema.csv``; content under the Open
Government Licence v3.0). Only the collision-table variables the traffic reader needs are
kept, so the app does not depend on ``../shared`` at run time. The lookup uses the newer
``collision_*`` names; the reader maps the older ``accident_*`` names onto them. Rows the lookup repeats
verbatim are written once. The output is deterministic (rows in source order), and
``tests/pipelines/test_stats19.py`` checks that the committed file equals a fresh build.
"""
from __future__ import annotations

import csv
import io
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parents[2]
SOURCE = REPO_ROOT.parent / "shared" / "realdata" / "uk_stats19" / "stats19_schema_code_labels.csv"
TARGET = REPO_ROOT / "data" / "reference" / "stats19_codes.csv"

VARIABLES = ("collision_severity", "local_authority_district", "local_authority_ons_district", "police_force")


def build(source: Path = SOURCE) -> str:
    """The text of ``stats19_codes.csv`` (``variable,code,label``) built from the DfT lookup."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(["variable", "code", "label"])
    seen: dict[tuple[str, str], str] = {}
    with source.open(encoding="utf-8", newline="") as handle:
        for row in csv.DictReader(handle):
            if row["table"] != "collision" or row["variable"] not in VARIABLES:
                continue
            key = (row["variable"], row["code"].strip())
            label = " ".join(row["label"].split())
            if key in seen:
                # The lookup repeats a few rows verbatim (Castle Morpeth, City of London); a
                # repeat with a different label would be a real conflict.
                if seen[key] != label:
                    raise ValueError(f"{source.name}: code {key} has labels {seen[key]!r} and {label!r}")
                continue
            seen[key] = label
            writer.writerow([row["variable"], key[1], label])
    return out.getvalue()


if __name__ == "__main__":
    TARGET.write_text(build(), encoding="utf-8")
    print(TARGET.relative_to(REPO_ROOT))
