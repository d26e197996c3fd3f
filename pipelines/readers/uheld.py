"""Statistics Denmark traffic-accident tables (the UHELD family) → ``raw_traffic_counts``.

The file is parsed by the generic StatBank reader (``statbank.read_statbank_long``: API/BULK
long files and web matrix exports); this module only maps the dimensions, which are those
of the StatBank catalogue (``../shared/realdata/dk_meta/statbank_tables_catalog_2021-05.csv``):

==========  ===================================================================  =========
table       dimensions                                                           measure
==========  ===================================================================  =========
UHELDK7     uheldsart, område, by/landområde, uheldssituation, tid               accidents
UHELD3–6    uheldsart, uheldssituation, transportmiddel, … , tid (no område)     accidents
UHELDK1     område, personskade, indblandede transportmidler, alder, køn, tid    casualties
UHELD8–11   uheldsart, personskade, transportmiddel, … , tid (no område)         casualties
==========  ===================================================================  =========

Rules:

* ``område`` is the area label (resolved in staging like every other source). A table
  without ``område`` is national: its rows get the area ``Hele landet``.
* ``personskade`` makes the file a casualty table: ``Dræbte`` → ``killed``, ``Alvorligt
  tilskadekomne`` → ``seriously_injured``, ``Lettere``/``Let tilskadekomne`` →
  ``slightly_injured``. Its total category (``I alt``, ``Personskader i alt``,
  ``Dræbte og tilskadekomne``) is dropped: the dashboard derives totals and KSI from the
  parts, and storing the total too would count people twice. Without ``personskade`` the
  file counts injury accidents (``injury_accidents``).
* ``transportmiddel`` / ``indblandede transportmidler`` is the road user (``Fodgængere`` →
  ``pedestrian``, ``Cykler`` → ``bicycle``, ``Knallerter`` → ``moped``, ``Motorcykler`` →
  ``motorcycle``, ``Personbiler`` → ``car``, ``Vare-``/``Lastbiler`` → ``van_lorry``, ``Busser`` →
  ``bus``, ``Uoplyst`` → ``unknown``, any other named group → ``other``; the total → ``all``).
* Every other dimension (uheldsart, by/landområde, uheldssituation, alder, køn, …) is not
  kept: only its total category is read (``I alt``, ``Alle …``, ``… i alt``, ``Total``). A
  file whose dimension has no total category is rejected, naming the dimension, because
  summing its categories could double count (an accident may belong to several).
* Status: ``provisional`` when the title or file name says ``foreløbig``/``provisional``,
  else ``final``.
* Cells that are not published (``..``, blank) are left out with a notice — they are not
  zeros; ``-`` is zero (StatBank's "nil").

No real UHELD export is in ``../shared/realdata`` (only the catalogue), so the tests and the
demo use StatBank-shaped files built from the catalogue's variable names; the category
labels follow StatBank's usual wording and are matched leniently (case, accents, plural).
"""
from __future__ import annotations

from pathlib import Path

import polars as pl

from pipelines.area_names import normalise_area_name
from pipelines.errors import IngestRejected
from pipelines.readers import statbank
from pipelines.readers.base import ParsedFile
from pipelines.readers.traffic import RAW_SCHEMAS, RAW_TRAFFIC_COUNTS
from pipelines.thread_safe_polars import map_distinct

NATIONAL = "Hele landet"

_AREA = ("område", "omrade")
_INJURY = ("personskade",)
_ROAD_USER = ("transportmiddel", "indblandede transportmidler", "indblandedetransportmidler")
_MARKERS = ("uheldsart", "personskade", "uheldssituation", "indblandedetransportmidler", "transportmiddel")

# Normalised label prefix → code (first match wins; order matters: "lastbil" before "bil").
_ROAD_USERS: tuple[tuple[str, str], ...] = (
    ("fodgaenger", "pedestrian"),
    ("cykel", "bicycle"),
    ("cykl", "bicycle"),
    ("knallert", "moped"),
    ("motorcykel", "motorcycle"),
    ("motorcykl", "motorcycle"),
    ("mc", "motorcycle"),
    ("personbil", "car"),
    ("varebil", "van_lorry"),
    ("lastbil", "van_lorry"),
    ("bus", "bus"),
    ("uoplyst", "unknown"),
)


def _is_total(label: str | None) -> bool:
    key = normalise_area_name(label or "")
    return key in ("ialt", "total", "alle") or key.endswith("ialt") or key.startswith("alle") or key == "draebteogtilskadekomne"


def _injury(label: str) -> str | None:
    key = normalise_area_name(label)
    if _is_total(label):
        return None
    if key.startswith("draebt"):
        return "killed"
    if key.startswith("alvorlig"):
        return "seriously_injured"
    if key.startswith("let"):
        return "slightly_injured"
    return ""  # not a known injury category: rejected by the caller


def _road_user(label: str) -> str:
    if _is_total(label):
        return "all"
    key = normalise_area_name(label)
    for prefix, code in _ROAD_USERS:
        if key.startswith(prefix):
            return code
    return "other"


def sniff_uheld(path: Path, head: str) -> bool:
    """A StatBank export whose header or title names a UHELD dimension (uheldsart, personskade…)."""
    if not statbank.sniff_statbank(path, head):
        return False
    lines = [line for line in head.splitlines()[:6] if line.strip()]
    keys = normalise_area_name(" ".join(lines))
    title = lines[0].lower() if lines else ""
    return any(marker in keys for marker in _MARKERS) or "uheld" in title


def read_uheld(path: Path) -> ParsedFile:
    """Read a UHELD-family StatBank export into ``raw_traffic_counts`` (see module docstring)."""
    table = statbank.read_statbank_long(path)
    frame = table.frame
    area_col = table.dimension_column(*_AREA)
    injury_col = table.dimension_column(*_INJURY)
    user_col = table.dimension_column(*_ROAD_USER)
    notices = list(table.notices)
    keep = pl.lit(True)
    for name, column in table.dimensions.items():
        if column in (area_col, injury_col, user_col):
            continue
        labels = frame[column].drop_nulls().unique().to_list()
        totals = [label for label in labels if _is_total(label)]
        if not totals:
            raise IngestRejected(
                path.name,
                f"dimension '{name}' has no total category (I alt / Alle …); summing its categories could double count",
                line=1,
                column=name,
                hint="Export the table with the total of this variable selected.",
            )
        keep = keep & pl.col(column).is_in(totals)
    frame = frame.filter(keep)
    if injury_col is not None:
        unknown = sorted({label for label in frame[injury_col].drop_nulls().unique().to_list() if _injury(label) == ""})
        if unknown:
            first = frame.filter(pl.col(injury_col) == unknown[0])["line"].min()
            raise IngestRejected(path.name, f"unknown personskade category '{unknown[0]}'", line=first, column=injury_col)
        frame = frame.with_columns(map_distinct(frame[injury_col], _injury, dtype=pl.Utf8).alias("_measure"))
        frame = frame.filter(pl.col("_measure").is_not_null())
    else:
        frame = frame.with_columns(pl.lit("injury_accidents").alias("_measure"))
    unpublished = frame.filter(pl.col(table.value_column).is_null()).height
    if unpublished:
        notices.append(f"{path.name}: {unpublished} cell(s) not published ('..' or blank), left out (not zero)")
    frame = frame.filter(pl.col(table.value_column).is_not_null() & pl.col("period_type").is_not_null())
    fractional = frame.filter(pl.col(table.value_column) != pl.col(table.value_column).round(0))
    if fractional.height:
        raise IngestRejected(path.name, f"{fractional[table.value_column][0]:g} is not a whole number of accidents or people", line=fractional["line"][0])
    words = f"{table.title or ''} {path.name}".lower()
    status = "provisional" if ("foreløbig" in words or "forelobig" in words or "provisional" in words) else "final"
    if area_col is None:
        notices.append(f"{path.name}: no område dimension, so the figures are read as national ({NATIONAL})")
    out = pl.DataFrame(
        {
            "area_label": frame[area_col] if area_col else pl.Series([NATIONAL] * frame.height),
            "measure": frame["_measure"],
            "road_user": map_distinct(frame[user_col], _road_user, dtype=pl.Utf8) if user_col else pl.Series(["all"] * frame.height),
            "severity": pl.Series(["all"] * frame.height),
            "period_type": frame["period_type"],
            "period_start": frame["period_start"],
            "period_end": frame["period_end"],
            "count": frame[table.value_column].round(0).cast(pl.Int64),
            "status": pl.Series([status] * frame.height),
        },
        schema=RAW_TRAFFIC_COUNTS,
    )
    # Several labels can map to one road user ("Lastbiler" and "Varebiler"): add them up.
    out = out.group_by([c for c in RAW_TRAFFIC_COUNTS if c != "count"], maintain_order=True).agg(pl.col("count").sum()).select(list(RAW_TRAFFIC_COUNTS))
    return ParsedFile(format=f"uheld-{table.format}", tables={"raw_traffic_counts": out}, notices=tuple(notices), metadata={"title": table.title})


__all__ = ["RAW_SCHEMAS", "read_uheld", "sniff_uheld"]
