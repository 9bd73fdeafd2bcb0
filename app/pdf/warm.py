"""Imported by the rendering pool's fork server (app/pdf/render.py): renders
one small document with the diplomas' stylesheet, so that every process
forked from it starts with WeasyPrint's fonts loaded and the stylesheet
parsed (the first document of a cold process costs half a second)."""

from __future__ import annotations

from app.pdf import render

render.warm_up()
