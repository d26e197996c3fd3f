"""Crime counts from Statistics Denmark StatBank STRAF tables (reported offences).

Any shape ``read_statbank_long`` understands (API/BULK semicolon, web matrix, codes) is mapped
onto ``raw_crime_counts``: the ``OMRÅDE`` dimension is the area, ``OVERTRÆD`` (or a title
dimension starting with "overtræd") the offence, ``TID`` the period, the value the count.

A matrix export can leave the offence out altogether (the STRAF11 file in
``shared/realdata/dk_crime`` has a blank first stub column and no title). The reader then
never guesses: it records the offence as ``UNKNOWN_OFFENCE`` ("Uoplyst (filen angiver ikke
overtrædelse)") and says so in a notice. The MANIFEST's reading — the level suggests "Straffelov
i alt" — is left to the user, who can re-export the table with its title or offence column.
Without a title the area dimension is the innermost stub column (StatBank writes the row
dimension that varies fastest last).

Cells that are not published (blank, ``..``, ``.``) are not counts; they are left out and
counted in a notice (never turned into 0). BULK's left-out rows are 0 (see statbank.py).

Sniffing: the generic StatBank sniffer plus a STRAF sign: an offence dimension, a title about
"anmeldte forbrydelser"/"straf", or a StatBank download name containing the table id
(``…STRAF11…csv``). Use ``--kind crime_statbank`` for a renamed file without either.
"""
from __future__ import annotations

import re
from pathlib import Path

import polars as pl

from pipelines.errors import IngestRejected
from pipelines.readers.base import ParsedFile, cast_keeping_enums
from pipelines.readers.crime import RAW_CRIME_COUNTS
from pipelines.readers.statbank import StatbankTable, read_statbank_long, sniff_statbank

RAW_SCHEMAS = {"raw_crime_counts": RAW_CRIME_COUNTS}

UNKNOWN_OFFENCE = "Uoplyst (filen angiver ikke overtrædelse)"
_AREA_NAMES = ("område", "omraade", "area", "kommune", "politikreds")
_OFFENCE_NAMES = ("overtræd", "overtraed", "overtrædelsens art", "offence", "lovovertrædelse")
_STRAF_HINT = re.compile(r"straf\d*|anmeldte\s+forbrydelser|overtr[æa]e?d", re.IGNORECASE)


def sniff_crime_statbank(path: Path, head: str) -> bool:
    """A StatBank export that is about reported offences (see module docstring)."""
    if not sniff_statbank(path, head):
        return False
    first_lines = "\n".join(head.splitlines()[:4])
    return bool(_STRAF_HINT.search(path.name) or _STRAF_HINT.search(first_lines))


def _area_column(table: StatbankTable, file: str) -> str:
    named = table.dimension_column(*_AREA_NAMES)
    if named is not None:
        return named
    # Untitled matrix: the innermost (last) stub dimension that has labels.
    filled = [c for c in table.dimensions.values() if table.frame.get_column(c).null_count() < table.frame.height]
    if not filled:
        raise IngestRejected(file, "no area dimension found", line=1)
    return filled[-1]


def read_crime_statbank(path: Path) -> ParsedFile:
    """Read a StatBank STRAF export into ``raw_crime_counts``.

    Args:
        path: an API/BULK, matrix or coded STRAF export.

    Returns:
        One row per area, offence and period with a published (or BULK-zero) count.

    Raises:
        IngestRejected: bad cells (from the generic reader), a count that is not a whole
            number, or a file with no area dimension.
    """
    table = read_statbank_long(path)
    notices = list(table.notices)
    area = _area_column(table, path.name)
    offence = table.dimension_column(*_OFFENCE_NAMES)
    if offence is None:
        others = [c for c in table.dimensions.values() if c != area and table.frame.get_column(c).null_count() < table.frame.height]
        if len(others) == 1:
            offence = others[0]
        elif others:
            raise IngestRejected(path.name, f"cannot tell which of {', '.join(others)} is the offence dimension", line=1)
    # The label columns pass on as Enums of their few values (cheap to land as Parquet).
    frame = table.frame.with_columns(table.enum_column(c) for c in (area, offence) if c is not None)
    if offence is None:
        notices.append(
            f"{path.name}: the file does not say which offence it counts; its rows are recorded as "
            f"offence '{UNKNOWN_OFFENCE}'. Re-export the table with the offence (OVERTRÆD) in the rows to fix this."
        )
        offence_label = pl.lit(UNKNOWN_OFFENCE, dtype=pl.Utf8)
        coded_labels: list[str] = []
    else:
        offence_label = pl.col(offence)
        # A label that is only digits is a StatBank code (000, 101, 1110): keep it as the code
        # too. Decided once per distinct label, not per row.
        labels = frame.get_column(offence)
        distinct = labels.dtype.categories if isinstance(labels.dtype, pl.Enum) else labels.unique().drop_nulls()
        coded_labels = distinct.filter(distinct.str.contains(r"^\d+$")).to_list()
    withheld = frame.get_column("value").null_count()
    if withheld:
        notices.append(f"{path.name}: {withheld} cell(s) not published (blank, .. or .) are left out, not counted as 0")
        frame = frame.filter(pl.col("value").is_not_null())
    fractional = frame.get_column("value") != frame.get_column("value").round(0)
    if fractional.any():
        row = frame.filter(fractional).row(0, named=True)
        raise IngestRejected(path.name, f"{row['value']} is not a whole number of offences", line=row["line"], column=row["period_label"])
    offence_code = (
        pl.when(offence_label.is_in(coded_labels)).then(offence_label.cast(pl.Utf8)).otherwise(None)
        if coded_labels
        else pl.lit(None, dtype=pl.Utf8)
    )
    out = frame.select(
        pl.col(area).alias("area_label"),
        offence_label.alias("offence_label"),
        offence_code.alias("offence_code"),
        "period_type",
        "period_start",
        "period_end",
        pl.col("value").cast(pl.Int64).alias("count"),
    )
    return ParsedFile(format=table.format, tables={"raw_crime_counts": cast_keeping_enums(out, RAW_CRIME_COUNTS)}, notices=tuple(notices))
