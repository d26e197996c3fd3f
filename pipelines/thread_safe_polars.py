"""polars in a multi-threaded server: Python callbacks and pandas conversion without deadlocks.

The dashboard's server runs several sessions' scripts at once, each in its own thread. Two
polars calls deadlocked it (seen with 8 sessions on the crime page, ``bench/protocol_sessions.py``;
reproduced with 8 plain threads):

* ``DataFrame.to_pandas()`` called from several threads at once hangs for good (polars' own
  conversion, with or without pyarrow threads). Streamlit calls it for every polars frame given
  to ``st.dataframe``. ``to_arrow_table`` and ``to_pandas`` below go through pyarrow instead,
  which has no such problem; Streamlit serialises an Arrow table as is, without pandas.
* ``Expr.map_elements`` runs its Python callback on polars' worker threads, which must take the
  GIL while another thread may hold it and wait for those workers. ``map_distinct`` and
  ``map_rows`` call the function in the calling thread instead, once per distinct value or row.

Code that runs in the server (``ui/``, ``pages/``, ``pipelines/``, ``analysis/``) uses these and
never ``map_elements`` or polars' ``to_pandas`` (``tests/test_layers.py`` keeps it so).
"""
from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pandas as pd
import polars as pl
import pyarrow as pa


def map_distinct(series: pl.Series, function: Callable[[Any], Any], *, dtype: pl.DataType) -> pl.Series:
    """``function`` of each value of ``series``, called once per distinct value; nulls stay null.

    Args:
        series: the column to map (any type whose values can be dictionary keys).
        function: a pure function of one non-null value.
        dtype: the type of the result.
    """
    mapping = {value: function(value) for value in series.drop_nulls().unique().to_list()}
    return series.to_frame().select(pl.col(series.name).replace_strict(mapping, return_dtype=dtype)).to_series()


def map_rows(frame: pl.DataFrame, function: Callable[[dict[str, Any]], Any], *, name: str, dtype: pl.DataType) -> pl.Series:
    """``function`` of each row of ``frame`` (a dict of its columns), as a column called ``name``."""
    return pl.Series(name, [function(row) for row in frame.iter_rows(named=True)], dtype=dtype)


def to_arrow_table(frame: pl.DataFrame) -> pa.Table:
    """The frame as an Arrow table any reader understands.

    Arrow's classic types (``large_string``, not the newer string views), and 128-bit integers
    (DuckDB's ``HUGEINT`` sums) as 64-bit ones, which Arrow and pandas can hold.
    """
    wide = [name for name, dtype in frame.schema.items() if dtype in (pl.Int128, pl.UInt128)]
    if wide:
        frame = frame.with_columns(pl.col(wide).cast(pl.Int64))
    return frame.to_arrow(compat_level=pl.CompatLevel.oldest())


def to_pandas(frame: pl.DataFrame) -> pd.DataFrame:
    """The frame as a pandas DataFrame, converted by pyarrow (see the module docstring)."""
    return to_arrow_table(frame).to_pandas()
