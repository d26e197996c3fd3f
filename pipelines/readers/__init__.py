"""File readers: one module per family of input files.

Each reader is a pure function ``path -> ParsedFile`` (see ``base.py``); ``pipelines.kinds``
lists them with the sniffers that recognise their files.
"""
