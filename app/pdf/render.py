"""HTML to PDF with WeasyPrint, and nothing else: no Flask, no database.

The app renders a document's HTML from its Jinja template (app/awards/
diplomas.py) and hands the string here. A batch hands many strings to a pool
of processes (`render_many`), each of which only runs WeasyPrint: the
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
from collections.abc import Callable, Iterable, Sequence
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


def _warm() -> None:
    # Import WeasyPrint (about half a second) once per worker, before the work.
    import weasyprint  # noqa: F401


def default_processes() -> int:
    """The cores this process may use."""
    if hasattr(os, "sched_getaffinity"):
        return max(1, len(os.sched_getaffinity(0)))
    return os.cpu_count() or 1


def render_many(
    jobs: Iterable[Job],
    *,
    processes: int | None = None,
    on_done: Callable[[int, bytes], None] | None = None,
    chunksize: int = 4,
) -> list[bytes]:
    """PDFs of many documents, in order, rendered by `processes` worker
    processes (default: one per core). `on_done(i, pdf)` is called in this
    process as each result arrives, in order (to save it, count progress);
    with it, the PDFs are not kept (a national batch is thousands).

    The pool's processes start from a fork server that has already imported
    WeasyPrint: forking the caller itself (a job worker with threads and
    database connections) is unsafe, and a fresh interpreter per process is
    slow to start."""
    jobs = list(jobs)
    processes = processes or default_processes()
    results: list[bytes] = []
    if processes <= 1 or len(jobs) <= 1:
        for i, job in enumerate(jobs):
            pdf = html_to_pdf(job)
            _deliver(i, pdf, on_done, results)
        return results
    context = multiprocessing.get_context("forkserver")
    context.set_forkserver_preload(["app.pdf.render", "weasyprint"])
    with ProcessPoolExecutor(
        max_workers=min(processes, len(jobs)), mp_context=context, initializer=_warm
    ) as pool:
        for i, pdf in enumerate(pool.map(html_to_pdf, jobs, chunksize=chunksize)):
            _deliver(i, pdf, on_done, results)
    return results


def _deliver(i: int, pdf: bytes, on_done, results: list[bytes]) -> None:
    if on_done:
        on_done(i, pdf)
    else:
        results.append(pdf)
