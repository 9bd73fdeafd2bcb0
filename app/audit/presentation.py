"""Audit events as readers read them: the action in words, objects and people
by their names (with links), changes as "field: before → after".

Names are resolved for a whole page at once: every object, actor and id field
of the page's events is collected first, then one query per kind of object
(a constant number per page, however many rows). Reads only; the events and
their hashes are not touched.
"""

from __future__ import annotations

import datetime as dt
import enum
import re
from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

import sqlalchemy as sa
from flask import url_for
from flask_babel import format_decimal

from app.accounts.models import Role, User
from app.audit.labels import DELETED, NO, YES, action_label, field_label, object_label
from app.audit.models import AuditEvent
from app.awards.models import (
    Award,
    AwardKind,
    Diploma,
    DiplomaTemplate,
    SpecialAward,
    WithheldAward,
)
from app.editions.models import (
    Area,
    Category,
    CommentRule,
    ConsensusScoring,
    Criterion,
    Edition,
    EditionStatus,
    QualificationMode,
    Question,
    QuestionKind,
    ScoreMode,
)
from app.extensions import db
from app.formatting import short_date, short_datetime
from app.jury.consensus.models import Consensus, ResponseDecision
from app.jury.models import (
    Assignment,
    ConflictOfInterest,
    JuryMembership,
    MembershipStatus,
    ScoreSheet,
    SheetStatus,
)
from app.jury.visits.models import (
    ChecklistItem,
    ChecklistItemKind,
    ExternalFinding,
    FindingEffect,
    MysteryVisit,
    VisitChannel,
    VisitStatus,
)
from app.labels import label
from app.offices.models import (
    Application,
    ApplicationStatus,
    Document,
    Office,
    OfficeStatus,
    OfficeType,
    Voivodeship,
)
from app.public.models import EditionRules, NewsPost, Photo, PostStatus, RulesAttachment, SitePage
from app.results.models import RankingSnapshot

MAX_TEXT = 160
MAX_ITEMS = 10


@dataclass(frozen=True)
class Name:
    """Something shown by name, with a link when it has a page."""

    text: str
    url: str | None = None


@dataclass(frozen=True)
class Change:
    """One recorded field: `before` and/or `after` (each a list of names, so a
    list of jurors shows as links too); None when that side was not recorded."""

    label: str
    before: list[Name] | None
    after: list[Name] | None


@dataclass
class EventLine:
    event: AuditEvent
    who: Name | None
    action: str
    subject: Name | None
    changes: list[Change] = field(default_factory=list)


# --- names, one query per kind of object --------------------------------------------------

Resolver = Callable[[set[int]], dict[int, Name]]


def _application_names(ids: set[int]) -> dict[int, Name]:
    rows = db.session.execute(
        sa.select(Application.id, Office.name, Edition.name)
        .join(Office, Office.id == Application.office_id)
        .join(Edition, Edition.id == Application.edition_id)
        .where(Application.id.in_(ids))
    )
    return {
        i: Name(f"{office} — {edition}", url_for("offices.application_detail", application_id=i))
        for i, office, edition in rows
    }


def _via_application(model, *, extra: Callable | None = None) -> Resolver:
    """Objects that belong to an application (sheets, visits, documents...):
    named after the application's office and edition."""

    def resolve(ids: set[int]) -> dict[int, Name]:
        rows = db.session.execute(
            sa.select(model.id, Application.id, Office.name, Edition.name)
            .join(Application, Application.id == model.application_id)
            .join(Office, Office.id == Application.office_id)
            .join(Edition, Edition.id == Application.edition_id)
            .where(model.id.in_(ids))
        )
        return {
            i: Name(
                f"{office} — {edition}",
                url_for("offices.application_detail", application_id=app_id),
            )
            for i, app_id, office, edition in rows
        }

    return resolve


def _assignment_names(ids: set[int]) -> dict[int, Name]:
    rows = db.session.execute(
        sa.select(Assignment.id, Application.id, User.full_name, Office.name)
        .join(User, User.id == Assignment.juror_id)
        .join(Application, Application.id == Assignment.application_id)
        .join(Office, Office.id == Application.office_id)
        .where(Assignment.id.in_(ids))
    )
    # Linked to the application, as its score sheet is: one name, one target.
    return {
        i: Name(f"{juror} — {office}", url_for("offices.application_detail", application_id=a))
        for i, a, juror, office in rows
    }


def _sheet_names(ids: set[int]) -> dict[int, Name]:
    rows = db.session.execute(
        sa.select(ScoreSheet.id, Application.id, User.full_name, Office.name)
        .join(Assignment, Assignment.id == ScoreSheet.assignment_id)
        .join(User, User.id == Assignment.juror_id)
        .join(Application, Application.id == Assignment.application_id)
        .join(Office, Office.id == Application.office_id)
        .where(ScoreSheet.id.in_(ids))
    )
    return {
        i: Name(f"{juror} — {office}", url_for("offices.application_detail", application_id=a))
        for i, a, juror, office in rows
    }


def _edition_part(model, column, endpoint: str | None, arg: str | None = None) -> Resolver:
    """Parts of an edition (categories, criteria...): their own name and the edition's."""

    def resolve(ids: set[int]) -> dict[int, Name]:
        rows = db.session.execute(
            sa.select(model.id, model.edition_id, column, Edition.name)
            .join(Edition, Edition.id == model.edition_id)
            .where(model.id.in_(ids))
        )
        result = {}
        for i, edition_id, own, edition in rows:
            url = None
            if endpoint:
                args = {"edition_id": edition_id}
                if arg:
                    args[arg] = i
                url = url_for(endpoint, **args)
            result[i] = Name(f"{own} — {edition}", url)
        return result

    return resolve


def _area_part(model, column, endpoint: str, arg: str) -> Resolver:
    """Criteria and questions: by their own name (shown beside their scores,
    so the edition is left out), linked to their edit page."""

    def resolve(ids: set[int]) -> dict[int, Name]:
        rows = db.session.execute(
            sa.select(model.id, Area.edition_id, column)
            .join(Area, Area.id == model.area_id)
            .where(model.id.in_(ids))
        )
        return {
            i: Name(own, url_for(endpoint, edition_id=edition_id, **{arg: i}))
            for i, edition_id, own in rows
        }

    return resolve


def _simple(column, endpoint: str | None = None, arg: str | None = None) -> Resolver:
    model = column.class_

    def resolve(ids: set[int]) -> dict[int, Name]:
        rows = db.session.execute(sa.select(model.id, column).where(model.id.in_(ids)))
        return {
            i: Name(str(text), url_for(endpoint, **{arg: i}) if endpoint and arg else None)
            for i, text in rows
        }

    return resolve


def _user_names(ids: set[int]) -> dict[int, Name]:
    rows = db.session.execute(
        sa.select(User.id, User.full_name, User.email).where(User.id.in_(ids))
    )
    return {i: Name(full_name or email) for i, full_name, email in rows}


def _membership_names(ids: set[int]) -> dict[int, Name]:
    rows = db.session.execute(
        sa.select(JuryMembership.id, JuryMembership.edition_id, User.full_name, Edition.name)
        .join(User, User.id == JuryMembership.user_id)
        .join(Edition, Edition.id == JuryMembership.edition_id)
        .where(JuryMembership.id.in_(ids))
    )
    return {
        i: Name(f"{juror} — {edition}", url_for("jury.jurors", edition_id=edition_id))
        for i, edition_id, juror, edition in rows
    }


def _conflict_names(ids: set[int]) -> dict[int, Name]:
    rows = db.session.execute(
        sa.select(ConflictOfInterest.id, User.full_name, Office.name)
        .join(User, User.id == ConflictOfInterest.juror_id)
        .join(Office, Office.id == ConflictOfInterest.office_id)
        .where(ConflictOfInterest.id.in_(ids))
    )
    return {i: Name(f"{juror} — {office}") for i, juror, office in rows}


def _award_names(ids: set[int]) -> dict[int, Name]:
    rows = db.session.execute(
        sa.select(Award.id, Application.id, Office.name, Edition.name)
        .join(Application, Application.id == Award.application_id)
        .join(Office, Office.id == Application.office_id)
        .join(Edition, Edition.id == Award.edition_id)
        .where(Award.id.in_(ids))
    )
    # Named like the application, so linked to it as well.
    return {
        i: Name(f"{office} — {edition}", url_for("offices.application_detail", application_id=a))
        for i, a, office, edition in rows
    }


def _photo_names(ids: set[int]) -> dict[int, Name]:
    rows = db.session.execute(
        sa.select(Photo.id, NewsPost.id, NewsPost.title)
        .join(NewsPost, NewsPost.id == Photo.post_id)
        .where(Photo.id.in_(ids))
    )
    return {
        i: Name(title, url_for("public_admin.edit_post", post_id=post_id))
        for i, post_id, title in rows
    }


def _snapshot_names(ids: set[int]) -> dict[int, Name]:
    rows = db.session.execute(
        sa.select(
            RankingSnapshot.id, RankingSnapshot.edition_id, RankingSnapshot.version, Edition.name
        )
        .join(Edition, Edition.id == RankingSnapshot.edition_id)
        .where(RankingSnapshot.id.in_(ids))
    )
    return {
        i: Name(f"{edition} ({version})", url_for("results.ranking", edition_id=edition_id))
        for i, edition_id, version, edition in rows
    }


def _site_page_names(ids: set[int]) -> dict[int, Name]:
    rows = db.session.execute(sa.select(SitePage.id, SitePage.key).where(SitePage.id.in_(ids)))
    return {i: Name(key, url_for("public_admin.site_page", key=key)) for i, key in rows}


def _rules_names(ids: set[int]) -> dict[int, Name]:
    rows = db.session.execute(
        sa.select(EditionRules.id, Edition.id, Edition.name)
        .join(Edition, Edition.id == EditionRules.edition_id)
        .where(EditionRules.id.in_(ids))
    )
    return {i: Name(name, url_for("public_admin.rules", edition_id=e)) for i, e, name in rows}


RESOLVERS: dict[str, Resolver] = {
    "User": _user_names,
    "Office": _simple(Office.name, "office_admin.detail", "office_id"),
    "Application": _application_names,
    "Edition": _simple(Edition.name, "editions.dashboard", "edition_id"),
    "Category": _edition_part(Category, Category.name, "editions.category_edit", "category_id"),
    "Area": _edition_part(Area, Area.name, "editions.area_edit", "area_id"),
    "Criterion": _area_part(Criterion, Criterion.name, "editions.criterion_edit", "criterion_id"),
    "Question": _area_part(Question, Question.prompt, "editions.question_edit", "question_id"),
    "SpecialAward": _edition_part(
        SpecialAward, SpecialAward.name, "awards.edit_special_award", "special_id"
    ),
    "WithheldAward": _edition_part(WithheldAward, WithheldAward.reason, "awards.overview"),
    "ChecklistItem": _edition_part(ChecklistItem, ChecklistItem.prompt, None),
    "RulesAttachment": _edition_part(RulesAttachment, RulesAttachment.title, "public_admin.rules"),
    "JuryMembership": _membership_names,
    "ConflictOfInterest": _conflict_names,
    "Assignment": _assignment_names,
    "ScoreSheet": _sheet_names,
    "Consensus": _via_application(Consensus),
    "ExternalFinding": _via_application(ExternalFinding),
    "MysteryVisit": _via_application(MysteryVisit),
    "Document": _via_application(Document),
    "Diploma": _via_application(Diploma),
    "Award": _award_names,
    "NewsPost": _simple(NewsPost.title, "public_admin.edit_post", "post_id"),
    "Photo": _photo_names,
    "RankingSnapshot": _snapshot_names,
    "SitePage": _site_page_names,
    "EditionRules": _rules_names,
}

# Keys of before/after that hold the id of something with a name.
REF_FIELDS = {
    "office_id": "Office",
    "category_id": "Category",
    "application_id": "Application",
    "juror_id": "User",
    "lead_id": "User",
    "visitor_id": "User",
    "jurors": "User",
    "criterion_id": "Criterion",
    "area_id": "Area",
    "special_award_id": "SpecialAward",
    "snapshot_id": "RankingSnapshot",
    "copied_from_id": "Edition",
    "edition_id": "Edition",
    "post": "NewsPost",
    "replaces": "Diploma",
}
# Keys whose value is a dict keyed by criterion id (score sheets, consensus).
CRITERION_DICTS = {"values"}

# Enum-valued keys; "status" and "kind" depend on the object.
FIELD_ENUMS: dict[str, type[enum.Enum]] = {
    "role": Role,
    "office_type": OfficeType,
    "allowed_office_types": OfficeType,
    "voivodeship": Voivodeship,
    "channel": VisitChannel,
    "effect": FindingEffect,
    "comment_rule": CommentRule,
    "score_mode": ScoreMode,
    "qualification_mode": QualificationMode,
    "rule": QualificationMode,
    "consensus_scoring": ConsensusScoring,
    "decision": ResponseDecision,
    "template": DiplomaTemplate,
}
STATUS_ENUMS: dict[str, type[enum.Enum]] = {
    "Application": ApplicationStatus,
    "Edition": EditionStatus,
    "Office": OfficeStatus,
    "ScoreSheet": SheetStatus,
    "JuryMembership": MembershipStatus,
    "MysteryVisit": VisitStatus,
    "NewsPost": PostStatus,
}
KIND_ENUMS: dict[str, type[enum.Enum]] = {
    "Award": AwardKind,
    "ChecklistItem": ChecklistItemKind,
    "Question": QuestionKind,
}
# What a deleted object is called by, from its own recorded values.
OWN_NAME_KEYS = ("name", "title", "prompt", "original_name", "alt_text", "email", "key")

_TAG = re.compile(r"<[^>]+>")
_ISO_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
_ISO_DATETIME = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}")


def _int(value: Any) -> int | None:
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value
    if isinstance(value, str) and value.isdigit():
        return int(value)
    return None


def _refs_in(event: AuditEvent) -> Iterable[tuple[str, int]]:
    if event.actor_id:
        yield "User", event.actor_id
    if event.object_type in RESOLVERS and event.object_id:
        yield event.object_type, event.object_id
    for side in (event.before, event.after):
        for key, value in (side or {}).items():
            kind = REF_FIELDS.get(key)
            if kind:
                for v in value if isinstance(value, list) else [value]:
                    if (i := _int(v)) is not None:
                        yield kind, i
            elif key in CRITERION_DICTS and isinstance(value, dict):
                for k in value:
                    if (i := _int(k)) is not None:
                        yield "Criterion", i


def resolve_names(events: Iterable[AuditEvent]) -> dict[tuple[str, int], Name]:
    """Every name the events refer to: one query per kind of object."""
    wanted: dict[str, set[int]] = defaultdict(set)
    for event in events:
        for kind, i in _refs_in(event):
            wanted[kind].add(i)
    names: dict[tuple[str, int], Name] = {}
    for kind, ids in wanted.items():
        for i, name in RESOLVERS[kind](ids).items():
            names[kind, i] = name
    return names


# --- values --------------------------------------------------------------------------------


def _text(value: str) -> str:
    value = _TAG.sub(" ", value) if "<" in value else value
    value = " ".join(value.split())
    return value if len(value) <= MAX_TEXT else value[: MAX_TEXT - 1] + "…"


def _scalar(key: str, value: Any, enum_cls: type[enum.Enum] | None) -> str:
    if value is None or value == "":
        return "—"
    if isinstance(value, bool):
        return str(YES if value else NO)
    if isinstance(value, dict):  # nested: shortened, never shown as JSON
        inner = [f"{field_label(k)}: {_scalar(k, v, None)}" for k, v in value.items()]
        return _text("; ".join(inner))
    if isinstance(value, list):
        return _text(", ".join(_scalar(key, v, enum_cls) for v in value))
    if enum_cls is not None:
        try:
            return label(enum_cls(value))
        except ValueError:
            pass
    if isinstance(value, float):
        return format_decimal(value)
    if isinstance(value, str):
        if _ISO_DATE.match(value):
            return short_date(dt.date.fromisoformat(value))
        if _ISO_DATETIME.match(value):
            try:
                return short_datetime(dt.datetime.fromisoformat(value))
            except ValueError:
                return _text(value)
        return _text(value)
    return str(value)


def _value(key: str, value: Any, object_type: str | None, names) -> list[Name]:
    """A recorded value as names: references by name (with links), enum
    values by their labels, dates in the reader's style, lists and dicts
    shortened."""
    kind = REF_FIELDS.get(key)
    enum_cls = FIELD_ENUMS.get(key)
    if key == "status":
        enum_cls = STATUS_ENUMS.get(object_type or "")
    elif key == "kind":
        enum_cls = KIND_ENUMS.get(object_type or "")
    if kind and value not in (None, "", []):
        items = value if isinstance(value, list) else [value]
        result = []
        for v in items[:MAX_ITEMS]:
            i = _int(v)
            result.append(names.get((kind, i)) or Name(f"{object_label(kind)} ({DELETED})"))
        if len(items) > MAX_ITEMS:
            result.append(Name(f"… (+{len(items) - MAX_ITEMS})"))
        return result
    if isinstance(value, dict):
        parts = []
        for k, v in list(value.items())[:MAX_ITEMS]:
            i = _int(k)
            name = names.get(("Criterion", i)) if key in CRITERION_DICTS else None
            k_text = name.text if name else field_label(k) if not k.isdigit() else k
            parts.append(Name(f"{k_text}: {_scalar(k, v, None)}"))
        if len(value) > MAX_ITEMS:
            parts.append(Name(f"… (+{len(value) - MAX_ITEMS})"))
        return parts or [Name("—")]
    if isinstance(value, list):
        if value and all(_int(v) is not None and not isinstance(v, str) for v in value):
            # Ids of things without a page of their own: how many there were.
            return [Name(str(len(value)))]
        items = [Name(_scalar(key, v, enum_cls)) for v in value[:MAX_ITEMS]]
        if len(value) > MAX_ITEMS:
            items.append(Name(f"… (+{len(value) - MAX_ITEMS})"))
        return items or [Name("—")]
    return [Name(_scalar(key, value, enum_cls))]


def _changes(event: AuditEvent, names) -> list[Change]:
    before, after = event.before or {}, event.after or {}
    keys = list(before) + [k for k in after if k not in before]
    changes = []
    for key in keys:
        b = _value(key, before[key], event.object_type, names) if key in before else None
        a = _value(key, after[key], event.object_type, names) if key in after else None
        changes.append(Change(field_label(key), b, a))
    return changes


def _subject(event: AuditEvent, names) -> Name | None:
    if not event.object_type:
        return None
    found = names.get((event.object_type, event.object_id or 0))
    if found:
        return found
    kind = object_label(event.object_type)
    if event.object_type not in RESOLVERS:
        return Name(kind)
    own = next(
        (
            side[k]
            for side in (event.before or {}, event.after or {})
            for k in OWN_NAME_KEYS
            if isinstance(side.get(k), str) and side.get(k)
        ),
        None,
    )
    return Name(f"{kind}: {_text(own)} ({DELETED})" if own else f"{kind} ({DELETED})")


def describe(events: list[AuditEvent]) -> list[EventLine]:
    """The page's events in words, with every name resolved in one batch."""
    names = resolve_names(events)
    lines = []
    for event in events:
        who = None
        if event.actor_id:
            who = names.get(("User", event.actor_id)) or Name(event.actor_email or "")
        elif event.actor_email:
            who = Name(event.actor_email)
        lines.append(
            EventLine(
                event=event,
                who=who,
                action=action_label(event.action),
                subject=_subject(event, names),
                changes=_changes(event, names),
            )
        )
    return lines
