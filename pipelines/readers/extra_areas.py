"""Areas that input files bring with them (police.uk forces and LSOAs, …).

A reader that meets areas the reference table does not hold (``data/reference/areas.csv``)
emits them in ``raw_extra_areas`` so they appear in ``areas`` with their level and parent
instead of as 'unknown'. A file-contributed area never overrides a reference area: ``areas``
keeps the reference row when the code exists there, and the alias lookup prefers reference
spellings (see ``pipelines/sql/marts/areas.sql`` and ``stg_area_aliases.sql``).
"""
from __future__ import annotations

import polars as pl

RAW_EXTRA_AREAS: dict[str, pl.DataType] = {
    "area_code": pl.Utf8,  # e.g. GB-LSOA-E01000001; unique across sources
    "area_name": pl.Utf8,
    "level": pl.Utf8,  # one of the levels accepted by the areas contract
    "parent_code": pl.Utf8,  # a reference or extra area code, or null
    "country": pl.Utf8,
    "map_key": pl.Utf8,  # the feature id in the boundary file, or null
}
