"""PDF rendering with WeasyPrint, kept apart from Flask: `render.py` turns
HTML strings into PDF bytes, in this process or in a pool of processes."""
