"""Readers, SQL models and the build of the community-safety warehouse.

Nothing in this package imports streamlit or plotly (see tests/test_layers.py).
"""
import polars as pl

# polars 2 runs a lazy query on its streaming engine by default ("auto"), which costs about
# 1 ms to start per ``collect``; the statistics and pages run hundreds of small queries on a few
# dozen rows (a cross-tab's analysis collects about 120 times), where the in-memory engine takes
# 0.2 ms. Every process that uses the warehouse (dashboard, command line, benchmarks) imports
# this package, so the choice is made once, here.
pl.Config.set_engine_affinity("in-memory")
