"""The edition's timeline as an applicant office sees it (issue 18 item 3):
applications, stage 1, stage 2, the chapter, the results and the gala, with
their dates, which one the office is in ("you are here", from the edition's
phase and the application's status), and what happens next.

`timeline(application)` is a plain function of the two models: the
template macro offices/_timeline.html only shows what it returns.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from app.editions.models import EditionStatus
from app.offices.models import Application, ApplicationStatus
from app.timeutil import WARSAW

# The edition phase during which each step is the current one.
STEP_PHASES = {
    "applications": (EditionStatus.draft, EditionStatus.applications_open),
    "stage1": (EditionStatus.stage1,),
    "stage2": (EditionStatus.stage2,),
    "chapter": (EditionStatus.chapter,),
    "results": (EditionStatus.results_published,),
    "gala": (),
}


@dataclass(frozen=True)
class Step:
    key: str  # applications, stage1, stage2, chapter, results, gala
    state: str  # done, current, upcoming
    start: dt.date | dt.datetime | None = None
    end: dt.date | dt.datetime | None = None  # datetimes for the application window
    place: str = ""
    without_entry: bool = False  # stage 2 for an entry that did not qualify


@dataclass(frozen=True)
class Timeline:
    steps: list[Step]
    current: str  # the key of the current step ("" once everything is over)
    # What happens next, as a key the macro turns into a sentence: draft,
    # waiting (submitted, applications still open), stage1, qualified,
    # not_qualified (stage 2 runs without the entry), chapter, results, over.
    next: str


def _current_key(application: Application, today: dt.date) -> str:
    edition = application.edition
    status = edition.status
    if status is EditionStatus.archived:
        return ""
    if status is EditionStatus.results_published:
        return "gala" if edition.gala_date and today <= edition.gala_date else "results"
    return next(key for key, phases in STEP_PHASES.items() if status in phases)


def _next_key(application: Application, current: str) -> str:
    if current == "applications":
        return "draft" if application.is_draft else "waiting"
    if current == "stage2":
        if application.status is ApplicationStatus.qualified:
            return "qualified"
        return "not_qualified"
    if current in ("results", "gala"):
        return "results"
    if current == "":
        return "over"
    return current  # stage1, chapter


def timeline(application: Application, *, today: dt.date | None = None) -> Timeline:
    """The six steps with their dates and states for this office's entry."""
    edition = application.edition
    today = today or dt.datetime.now(WARSAW).date()
    current = _current_key(application, today)
    keys = list(STEP_PHASES)
    position = keys.index(current) if current else len(keys)
    dates = {
        "applications": (edition.applications_open_at, application.deadline()),
        "stage1": (edition.stage1_start, edition.stage1_end),
        "stage2": (edition.stage2_start, edition.stage2_end),
        "chapter": (edition.chapter_date, None),
        "results": (edition.results_date, None),
        "gala": (edition.gala_date, None),
    }
    left_out = application.status is ApplicationStatus.not_qualified
    steps = []
    for i, key in enumerate(keys):
        state = "done" if i < position else "current" if i == position else "upcoming"
        start, end = dates[key]
        place = edition.gala_place if key == "gala" else ""
        steps.append(Step(key, state, start, end, place, key == "stage2" and left_out))
    return Timeline(steps=steps, current=current, next=_next_key(application, current))
