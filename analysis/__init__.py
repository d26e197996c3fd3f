"""Pure statistics: frames in, frozen results out. No I/O, no streamlit, no duckdb."""
