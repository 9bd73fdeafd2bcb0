"""The edition's mystery-shopper checklist: what a visitor answers per channel."""

from __future__ import annotations

from dataclasses import dataclass

import sqlalchemy as sa
from flask_babel import gettext as _

from app.audit import services as audit
from app.editions.models import Area, Criterion, Edition
from app.errors import LaurelError
from app.extensions import db
from app.jury.visits.models import (
    ChecklistItem,
    ChecklistItemKind,
    MysteryVisit,
    VisitAnswer,
    VisitChannel,
    VisitStatus,
)

ITEM_FIELDS = ["channel", "kind", "prompt", "guidance", "scale_max", "criterion_id", "position"]
CHANNEL_ORDER = list(VisitChannel)


@dataclass
class ItemData:
    channel: VisitChannel
    kind: ChecklistItemKind
    prompt: str
    guidance: str = ""
    scale_max: int | None = None
    criterion_id: int | None = None
    position: int = 0


def items_of(edition: Edition, channel: VisitChannel | None = None) -> list[ChecklistItem]:
    query = sa.select(ChecklistItem).where(ChecklistItem.edition_id == edition.id)
    if channel is not None:
        query = query.where(ChecklistItem.channel == channel)
    items = db.session.scalars(query.order_by(ChecklistItem.position, ChecklistItem.id)).all()
    return sorted(items, key=lambda i: (CHANNEL_ORDER.index(i.channel), i.position, i.id))


def stage2_criteria(edition: Edition) -> list[Criterion]:
    return db.session.scalars(
        sa.select(Criterion)
        .join(Area, Area.id == Criterion.area_id)
        .where(Area.edition_id == edition.id, Criterion.stage == 2)
        .order_by(Area.position, Criterion.position, Criterion.id)
    ).all()


def locked_item_ids(edition: Edition) -> set[int]:
    """Items some submitted visit answered: changing them would change what
    that visit's visitor said."""
    return set(
        db.session.scalars(
            sa.select(VisitAnswer.item_id)
            .join(MysteryVisit, MysteryVisit.id == VisitAnswer.visit_id)
            .join(ChecklistItem, ChecklistItem.id == VisitAnswer.item_id)
            .where(
                ChecklistItem.edition_id == edition.id,
                MysteryVisit.status == VisitStatus.submitted,
            )
            .distinct()
        )
    )


def _check_unlocked(item: ChecklistItem) -> None:
    if item.id in locked_item_ids(item.edition):
        raise LaurelError(
            _(
                "This question has already been answered in a submitted visit, so it can no "
                "longer be changed or deleted. Add a new question instead."
            )
        )


def _check(edition: Edition, data: ItemData) -> None:
    if not data.prompt.strip():
        raise LaurelError(_("Enter the question."))
    if data.kind is ChecklistItemKind.scale:
        if data.scale_max is None or not 1 <= data.scale_max <= 100:
            raise LaurelError(_("A scale needs its highest value, from 1 to 100."))
    else:
        data.scale_max = None
    if data.criterion_id is not None:
        criterion = db.session.get(Criterion, data.criterion_id)
        if criterion is None or criterion.area.edition_id != edition.id or criterion.stage != 2:
            raise LaurelError(_("Choose a stage 2 criterion of this edition."))


def add_item(edition: Edition, *, actor, data: ItemData) -> ChecklistItem:
    """A new checklist question; a scale has its maximum, a linked criterion
    is a stage-2 criterion of the same edition."""
    _check(edition, data)
    item = ChecklistItem(edition_id=edition.id, **{f: getattr(data, f) for f in ITEM_FIELDS})
    db.session.add(item)
    db.session.flush()
    audit.record(
        "checklist.added",
        actor=actor,
        obj=item,
        edition_id=edition.id,
        after=audit.snapshot(item, ITEM_FIELDS),
    )
    return item


def update_item(item: ChecklistItem, *, actor, data: ItemData) -> None:
    """Change a question no submitted visit has answered yet."""
    _check_unlocked(item)
    _check(item.edition, data)
    before = audit.snapshot(item, ITEM_FIELDS)
    for f in ITEM_FIELDS:
        setattr(item, f, getattr(data, f))
    db.session.flush()
    audit.record(
        "checklist.updated",
        actor=actor,
        obj=item,
        edition_id=item.edition_id,
        before=before,
        after=audit.snapshot(item, ITEM_FIELDS),
    )


def delete_item(item: ChecklistItem, *, actor) -> None:
    """Delete a question no submitted visit has answered (drafts lose its answer)."""
    _check_unlocked(item)
    before = audit.snapshot(item, ITEM_FIELDS)
    edition_id = item.edition_id
    audit.record("checklist.deleted", actor=actor, obj=item, edition_id=edition_id, before=before)
    db.session.delete(item)
    db.session.flush()


def copy_checklist(source: Edition, target: Edition, criterion_map: dict[int, Criterion]) -> int:
    """Copy the source edition's checklist into a new edition; links to
    criteria follow `criterion_map` (old criterion id -> new criterion)."""
    count = 0
    for item in items_of(source):
        new = criterion_map.get(item.criterion_id) if item.criterion_id else None
        db.session.add(
            ChecklistItem(
                edition_id=target.id,
                channel=item.channel,
                kind=item.kind,
                prompt=item.prompt,
                guidance=item.guidance,
                scale_max=item.scale_max,
                criterion_id=new.id if new is not None else None,
                position=item.position,
            )
        )
        count += 1
    db.session.flush()
    return count
