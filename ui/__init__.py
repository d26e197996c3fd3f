"""Streamlit helpers shared by the pages: sidebar frame, cached data access, charts, messages."""
