"""A blinded chapter (issue 17, item 6): while an edition's chapter is
blinded and its names not yet revealed, the qualification, ranking, agreement
and chapter pages and the result exports name each entry by a code (K-0137)
instead of its office, to the viewers `Edition.shows_names_to` says so; one
audited action reveals the names once every category is decided.

- `assign_codes` gives the edition's entries their codes (stored, random,
  unique per edition: see EntryCode); it runs when the setting is saved on and
  when the edition moves to a new phase, and is safe to run again.
- `names_for(edition, user)` is what a page or an export asks: a `Names` that
  labels an entry (its code, or its name, or "K-0137 · name" once codes exist
  and names show), orders tied entries without betraying the alphabet, and
  takes the office's name, town, REGON and NIP out of free text.
- `set_blind_view` and `reveal_names` are the two writes; both are audited.

Plain functions, no request; they flush, never commit.
"""

from __future__ import annotations

import dataclasses
import re
import secrets
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import TypeVar

import sqlalchemy as sa
from flask_babel import gettext as _

from app.audit import services as audit
from app.editions.models import Edition
from app.errors import LaurelError
from app.extensions import db
from app.offices.models import Application, Office
from app.results.models import BlindViewer, EntryCode
from app.timeutil import utcnow

T = TypeVar("T")

# Codes are drawn from 1..CODE_SPACE (four digits), or from a space ten times
# the number of entries when an edition is larger, so that a code stays a
# random draw and not the next free number.
CODE_SPACE = 9999
MAX_CODE = 99999
NO_CODE = "K-????"


def format_code(number: int) -> str:
    return f"K-{number:04d}"


# ---------------------------------------------------------------- codes


def assign_codes(edition: Edition) -> int:
    """Give every entry of the edition that has no code one: a number drawn at
    random (the system's secure generator) from the edition's unused numbers.
    Codes never change once given; returns how many were given."""
    db.session.flush()
    used = set(
        db.session.scalars(sa.select(EntryCode.number).where(EntryCode.edition_id == edition.id))
    )
    missing = db.session.scalars(
        sa.select(Application.id)
        .outerjoin(EntryCode, EntryCode.application_id == Application.id)
        .where(Application.edition_id == edition.id, EntryCode.application_id.is_(None))
    ).all()
    if not missing:
        return 0
    space = min(MAX_CODE, max(CODE_SPACE, 10 * (len(used) + len(missing))))
    free = [n for n in range(1, space + 1) if n not in used]
    numbers = secrets.SystemRandom().sample(free, len(missing))
    db.session.add_all(
        EntryCode(application_id=app_id, edition_id=edition.id, number=number)
        for app_id, number in zip(missing, numbers, strict=True)
    )
    db.session.flush()
    return len(missing)


def codes_of(edition: Edition) -> dict[int, int]:
    """{application id: code number} of the edition (one query)."""
    return dict(
        db.session.execute(
            sa.select(EntryCode.application_id, EntryCode.number).where(
                EntryCode.edition_id == edition.id
            )
        ).all()
    )


# ---------------------------------------------------------------- labels


@dataclass
class Names:
    """How one viewer sees an edition's entries.

    `blinded`: codes instead of names. Codes are shown beside names (for
    matching the minutes) whenever the edition has them and names show."""

    blinded: bool
    codes: dict[int, int] = field(default_factory=dict)
    # Blinded only: per entry, its office's name, town, REGON and NIP, and
    # the patterns made of them as they are needed.
    identifying: dict[int, tuple[str, ...]] = field(default_factory=dict)
    _patterns: dict[int, re.Pattern | None] = field(default_factory=dict, repr=False)

    @property
    def heading(self) -> str:
        """The header of the column that names the entries."""
        return _("Code") if self.blinded else _("Office")

    def code(self, application_id: int) -> str:
        number = self.codes.get(application_id)
        return format_code(number) if number is not None else NO_CODE

    def __call__(self, application_id: int, name: str) -> str:
        """The entry's label: its code when blinded, else its name (after its
        code, when it has one)."""
        if self.blinded:
            return self.code(application_id)
        if application_id in self.codes:
            return f"{self.code(application_id)} · {name}"
        return name

    def sort_key(self, application_id: int, name: str) -> int | str:
        """Orders entries the ranking cannot tell apart: by name, or, when
        blinded, by code (an alphabetical order would give names away)."""
        if self.blinded:
            return self.codes.get(application_id, MAX_CODE + 1)
        return name

    def text(self, application_id: int, text: str) -> str:
        """Free text about an entry (a juror's comment) with its office's name,
        town, REGON and NIP replaced by its code when blinded. Best effort: a comment
        can still describe an office in other words."""
        if not text or not self.blinded:
            return text
        if application_id not in self._patterns:
            self._patterns[application_id] = _pattern(*self.identifying.get(application_id, ()))
        pattern = self._patterns[application_id]
        return pattern.sub(self.code(application_id), text) if pattern else text

    def relabel(self, rows: list[T], *, office: str = "office", entry: str = "application_id"):
        """Copies of dataclass rows (ranking rows, agreement lines) with the
        `office` field replaced by the label. `entry` names the field (dotted
        for a nested one) holding the application id."""
        if not self.blinded and not self.codes:
            return rows
        return [
            dataclasses.replace(row, **{office: self(_get(row, entry), getattr(row, office))})
            for row in rows
        ]

    def order_ties(
        self, rows: list[T], *, group: Callable[[T], object], entry: Callable[[T], int]
    ) -> list[T]:
        """When blinded, entries of one group (a category's equal position)
        in code order; groups keep their order. Unchanged otherwise."""
        if not self.blinded:
            return rows
        first: dict[object, int] = {}
        for i, row in enumerate(rows):
            first.setdefault(group(row), i)
        return sorted(rows, key=lambda r: (first[group(r)], self.codes.get(entry(r), MAX_CODE + 1)))


def _get(row, dotted: str):
    for part in dotted.split("."):
        row = getattr(row, part)
    return row


def _pattern(*words: str) -> re.Pattern | None:
    words = tuple(w.strip() for w in words if w and len(w.strip()) >= 3)
    if not words:
        return None
    # The longest first: "Urząd Gminy Nowa Wieś" before "Nowa Wieś".
    alternatives = "|".join(re.escape(w) for w in sorted(set(words), key=len, reverse=True))
    return re.compile(alternatives, re.IGNORECASE)


def names_for(edition: Edition, user, *, application_ids: Iterable[int] | None = None) -> Names:
    """The one place a page or an export learns how to name the edition's
    entries for `user` (at most three queries: the viewer's choice, the codes
    and the offices' identifying words; none when the chapter is not blinded). `application_ids` limits the names and towns
    loaded for free-text redaction to the entries a page shows (none: a page
    without free text)."""
    blinded = not edition.shows_names_to(user)
    names = Names(blinded=blinded, codes=codes_of(edition) if edition.blind_chapter else {})
    if blinded and (application_ids is None or application_ids):
        query = (
            sa.select(Application.id, Office.name, Office.city, Office.regon, Office.nip)
            .join(Office, Office.id == Application.office_id)
            .where(Application.edition_id == edition.id)
        )
        if application_ids is not None:
            query = query.where(Application.id.in_(list(application_ids)))
        names.identifying = {app_id: tuple(words) for app_id, *words in db.session.execute(query)}
    return names


# ---------------------------------------------------------------- writes


def set_blind_view(edition: Edition, *, actor, on: bool) -> None:
    """An organizer switches their own blinded view of the edition on or off
    (only while its names are hidden). Audited."""
    if not edition.can_choose_blind_view(actor):
        raise LaurelError(_("The names of this edition's entries are not hidden."))
    row = db.session.get(BlindViewer, (edition.id, actor.id))
    if on == (row is not None):
        return
    if on:
        assign_codes(edition)
        db.session.add(BlindViewer(edition_id=edition.id, user_id=actor.id))
    else:
        db.session.delete(row)
    db.session.flush()
    audit.record(
        "results.blind_view",
        actor=actor,
        obj=edition,
        edition_id=edition.id,
        before={"blinded": not on},
        after={"blinded": on},
    )


def undecided_categories(edition: Edition) -> list[str]:
    # The chapter's "decided" rule, the one publishing uses.
    from app.awards.publishing import undecided_categories as undecided

    return undecided(edition)


def reveal_names(edition: Edition, *, actor) -> None:
    """Reveal the entries' names, once: by an organizer, from the chapter's
    deliberation on, when every category has its decision (a laureate, or
    the award withheld). Every page then shows "code · name". Audited."""
    if not edition.can_reveal_names(actor):
        raise LaurelError(
            _("The names are revealed by an organizer, once, after the chapter's decisions.")
        )
    undecided = undecided_categories(edition)
    if undecided:
        raise LaurelError(
            _(
                "The names are revealed after the chapter's decision in every category. "
                "Not decided yet: %(names)s.",
                names=", ".join(undecided),
            )
        )
    # Conditional: of two organizers revealing at once, one records it.
    result = db.session.execute(
        sa.update(Edition)
        .where(Edition.id == edition.id, Edition.names_revealed_at.is_(None))
        .values(names_revealed_at=utcnow(), names_revealed_by_id=actor.id)
        .execution_options(synchronize_session=False)
    )
    if result.rowcount != 1:
        raise LaurelError(_("The names have already been revealed."))
    db.session.refresh(edition)
    audit.record(
        "results.reveal_names",
        actor=actor,
        obj=edition,
        edition_id=edition.id,
        before={"names_revealed_at": None},
        after={
            "names_revealed_at": edition.names_revealed_at,
            "codes": len(codes_of(edition)),
        },
    )
