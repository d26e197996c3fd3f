"""Readers, SQL models and the build of the community-safety warehouse.

Nothing in this package imports streamlit or plotly (see tests/test_layers.py).
"""
