"""HTML to PDF with WeasyPrint, and nothing else: no Flask, no database.

The app renders a document's HTML from its Jinja template (app/awards/
diplomas.py) and hands the string here. A batch hands many strings to a pool
of processes (`PdfPool`), each of which only runs WeasyPrint: the
rendering is CPU-bound Python, so threads would share one core.

Speed: the stylesheet (with its @font-face rules) is parsed once per process
and kept, with one FontConfiguration, for every later document; fonts are
the few DejaVu files in app/static/fonts/ (WeasyPrint subsets them, so a
diploma stays small); the QR code is inline SVG (no image decoding).

Safety: a document may load files only from the directories it is given
(the bundled fonts, the edition's logo and signatures) and `data:` URIs;
no network, no other file, whatever the HTML says.
"""

from __future__ import annotations

import atexit
import multiprocessing
import os
from collections.abc import Iterable, Sequence
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import unquote, urlsplit

APP = Path(__file__).resolve().parent.parent
FONT_DIR = APP / "static" / "fonts"


@dataclass(frozen=True)
class Job:
    """One document: its HTML, the stylesheet text, and where it may read files."""

    html: str
    stylesheet: str
    base_url: str
    allowed_dirs: tuple[str, ...]


def _fetcher_class():
    from weasyprint.urls import URLFetcher

    class LocalFetcher(URLFetcher):
        def __init__(self, allowed_dirs: Sequence[str]):
            super().__init__(allowed_protocols=("file", "data"))
            self.allowed = tuple(os.path.realpath(d) + os.sep for d in allowed_dirs)

        def fetch(self, url, headers=None):
            parts = urlsplit(url)
            if parts.scheme == "file":
                path = os.path.realpath(unquote(parts.path))
                if not path.startswith(self.allowed):
                    raise ValueError(f"not an allowed file: {url}")
            return super().fetch(url, headers)

    return LocalFetcher


# Per process: the font configuration and the parsed stylesheets. Dropped
# before the interpreter tears its modules down (FontConfiguration's
# destructor needs them).
_cache: dict = {}
atexit.register(_cache.clear)


def _stylesheet(text: str, base_url: str, fetcher):
    from weasyprint import CSS
    from weasyprint.text.fonts import FontConfiguration

    if "fonts" not in _cache:
        _cache["fonts"] = FontConfiguration()
    font_config = _cache["fonts"]
    key = (text, base_url)
    sheets = _cache.setdefault("sheets", {})
    if key not in sheets:
        sheets[key] = CSS(
            string=text, base_url=base_url, font_config=font_config, url_fetcher=fetcher
        )
    return sheets[key], font_config


def html_to_pdf(job: Job) -> bytes:
    """The PDF of one document."""
    from weasyprint import HTML

    fetcher = _fetcher_class()(job.allowed_dirs)
    css, font_config = _stylesheet(job.stylesheet, job.base_url, fetcher)
    document = HTML(string=job.html, base_url=job.base_url, url_fetcher=fetcher)
    return document.write_pdf(stylesheets=[css], font_config=font_config)


STYLESHEET = APP / "templates" / "pdf" / "diploma.css"
STATIC_URL = (APP / "static").as_uri() + "/"


def warm_up() -> None:
    """Load the fonts and parse the diplomas' stylesheet into this process's
    cache by rendering a tiny document (the fork server does it once)."""
    stylesheet = STYLESHEET.read_text(encoding="utf-8")
    html_to_pdf(Job("<p>Zażółć gęślą jaźń</p>", stylesheet, STATIC_URL, (str(FONT_DIR),)))


def default_processes() -> int:
    """The cores this process may use."""
    if hasattr(os, "sched_getaffinity"):
        return max(1, len(os.sched_getaffinity(0)))
    return os.cpu_count() or 1


class _Done:
    """A document rendered in this process, looking like a Future."""

    def __init__(self, job: Job):
        self.job = job

    def result(self) -> bytes:
        return html_to_pdf(self.job)


def _context():
    context = multiprocessing.get_context("forkserver")
    # "__main__" too: the processes then need not import the main script
    # again, as spawned ones do (the flask command, a bench); app.pdf.warm
    # loads the fonts and parses the stylesheet before any fork.
    context.set_forkserver_preload(["__main__", "app.pdf.warm"])
    return context


def start_server() -> None:
    """Start the pool's fork server now, in the background (it takes a
    second or two to import WeasyPrint and warm up): a batch calls this
    before its database work. Once per process; later calls do nothing."""
    from multiprocessing import forkserver

    _context()
    forkserver.ensure_running()


class PdfPool:
    """Worker processes that only run WeasyPrint, one per core by default;
    with one process (or `processes=1`) documents render here, on demand.

        with PdfPool() as pool:
            futures = pool.submit(jobs)   # rendering starts at once
            ...                           # prepare the next jobs meanwhile
            pdfs = [f.result() for f in futures]

    The processes start from a fork server (started once per process, kept
    for later batches) that has already imported WeasyPrint: forking the caller itself (a job worker with threads and
    database connections) is unsafe, and a fresh interpreter per process is
    slow to start. Each process keeps its fonts and parsed stylesheet for
    every document it renders, so a pool should live for a whole batch."""

    def __init__(self, processes: int | None = None):
        self.processes = processes or default_processes()
        self.executor: ProcessPoolExecutor | None = None

    def __enter__(self) -> PdfPool:
        if self.processes > 1:
            self.executor = ProcessPoolExecutor(max_workers=self.processes, mp_context=_context())
        return self

    def __exit__(self, *exc) -> None:
        if self.executor is not None:
            self.executor.shutdown(wait=True, cancel_futures=True)

    def submit(self, jobs: Iterable[Job]) -> list:
        if self.executor is None:
            return [_Done(job) for job in jobs]
        return [self.executor.submit(html_to_pdf, job) for job in jobs]
