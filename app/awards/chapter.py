"""The chapter's decisions: laureates and distinctions per category, special
awards, withdrawals, withheld categories, and confirming decisions after the
ranking was retaken.

Every decision is taken on the edition's current ranking snapshot, while the
chapter deliberates, and only when that snapshot is not stale (no score sheet
corrected since). The decision records the snapshot it was taken on; when the
ranking is retaken, earlier decisions wait for the chapter's confirmation.

Every function checks the actor's permission, flushes and writes an audit
event with the values before and after; none commits.
"""

from __future__ import annotations

import sqlalchemy as sa
from flask_babel import gettext as _
from sqlalchemy.orm import joinedload

from app.audit import services as audit
from app.awards import rules
from app.awards.models import CATEGORY_AWARD_RANK, Award, AwardKind, SpecialAward, WithheldAward
from app.editions.models import Category, Edition
from app.errors import LaurelError
from app.extensions import db
from app.offices.models import Application, Office
from app.results import blinding
from app.results import snapshot as ranking_snapshot
from app.results.models import RankingEntry, RankingSnapshot
from app.timeutil import utcnow

AWARD_FIELDS = [
    "kind",
    "application_id",
    "category_id",
    "special_award_id",
    "justification",
    "departure_reason",
    "snapshot_id",
]


class DepartureReasonNeeded(LaurelError):
    """The decision departs from the ranking and no reason was given."""


def _text(value: str | None) -> str:
    return (value or "").strip()


def deciding_snapshot(edition: Edition, actor) -> RankingSnapshot:
    """The snapshot a decision is taken on: the current one, not stale, while
    the chapter deliberates, by an organizer."""
    if not edition.can_decide_awards(actor):
        raise LaurelError(_("Awards are decided by organizers while the chapter deliberates."))
    snapshot = ranking_snapshot.current(edition)
    if snapshot is None:
        raise LaurelError(_("There is no ranking snapshot: stage 2 was not closed."))
    if ranking_snapshot.is_stale(edition, snapshot):
        raise LaurelError(
            _(
                "Score sheets changed after the ranking snapshot: retake the ranking before deciding."
            )
        )
    return snapshot


def _entry(snapshot: RankingSnapshot, application: Application) -> RankingEntry | None:
    return db.session.scalar(
        sa.select(RankingEntry).where(
            RankingEntry.snapshot_id == snapshot.id,
            RankingEntry.application_id == application.id,
        )
    )


def _positions(snapshot: RankingSnapshot, category_id: int) -> dict[int, int]:
    """The category's ranked entries and their positions in the snapshot."""
    rows = db.session.execute(
        sa.select(RankingEntry.application_id, RankingEntry.position).where(
            RankingEntry.snapshot_id == snapshot.id,
            RankingEntry.category_id == category_id,
            RankingEntry.position.is_not(None),
        )
    )
    return dict(rows.all())


def _category_awards(edition_id: int, category_id: int) -> dict[int, Award]:
    awards = db.session.scalars(
        sa.select(Award).where(
            Award.edition_id == edition_id,
            Award.category_id == category_id,
            Award.kind.in_(list(CATEGORY_AWARD_RANK)),
        )
    )
    return {a.application_id: a for a in awards}


def _office_names(edition: Edition, application_ids, actor) -> str:
    """The entries named for a message to `actor`: by their codes while the
    chapter is blinded to them (app/results/blinding.py)."""
    ids = list(application_ids)
    names = blinding.names_for(edition, actor, application_ids=())
    rows = db.session.execute(
        sa.select(Application.id, Office.name)
        .join(Office, Office.id == Application.office_id)
        .where(Application.id.in_(ids))
    ).all()
    rows.sort(key=lambda r: names.sort_key(r[0], r[1]))
    return ", ".join(names(app_id, name) for app_id, name in rows)


def _withheld(category_id: int) -> WithheldAward | None:
    return db.session.scalar(
        sa.select(WithheldAward).where(WithheldAward.category_id == category_id)
    )


def _check_entry(edition: Edition, application: Application) -> None:
    if application.edition_id != edition.id:
        raise LaurelError(_("This entry belongs to another edition."))


def _audit(action: str, award: Award, *, actor, before: dict | None) -> None:
    audit.record(
        action,
        actor=actor,
        obj=award,
        edition_id=award.edition_id,
        before=before,
        after=audit.snapshot(award, AWARD_FIELDS),
    )


def _check_departure(
    application: Application,
    snapshot: RankingSnapshot,
    *,
    rank: int,
    reason: str,
    actor,
) -> None:
    """Refuse a decision that departs from the category's ranking without a reason."""
    positions = _positions(snapshot, application.category_id)
    ranks = {
        app_id: rules.rank_of(a.kind)
        for app_id, a in _category_awards(application.edition_id, application.category_id).items()
    }
    ranks[application.id] = rank
    inverted = rules.inverted_with(application.id, positions, ranks)
    if inverted and not reason:
        raise DepartureReasonNeeded(
            _(
                "This decision departs from the ranking order (compare: %(offices)s). "
                "Give the reason for departing from it.",
                offices=_office_names(application.edition, inverted, actor),
            )
        )


def record_category_award(
    edition: Edition,
    application: Application,
    *,
    actor,
    kind: AwardKind,
    justification: str,
    departure_reason: str = "",
) -> Award:
    """Name an entry laureate or distinguished in its category. The entry must
    be ranked in the current snapshot; it holds at most one category award (a
    second decision replaces the first); a laureate is refused in a withheld
    category; a decision that departs from the ranking needs a reason."""
    snapshot = deciding_snapshot(edition, actor)
    _check_entry(edition, application)
    if kind not in CATEGORY_AWARD_RANK:
        raise LaurelError(_("Choose laureate or distinction."))
    justification, departure_reason = _text(justification), _text(departure_reason)
    if not justification:
        raise LaurelError(_("Give the justification of the award."))
    entry = _entry(snapshot, application)
    if entry is None or entry.position is None:
        raise LaurelError(
            _("Only an entry ranked in the current ranking can be laureate or distinguished.")
        )
    if kind is AwardKind.laureate and _withheld(application.category_id) is not None:
        raise LaurelError(
            _("The category's award is withheld: undo that decision before naming a laureate.")
        )
    _check_departure(
        application,
        snapshot,
        rank=CATEGORY_AWARD_RANK[kind],
        reason=departure_reason,
        actor=actor,
    )
    award = db.session.scalar(
        sa.select(Award).where(
            Award.application_id == application.id,
            Award.kind.in_(list(CATEGORY_AWARD_RANK)),
        )
    )
    before = audit.snapshot(award, AWARD_FIELDS) if award is not None else None
    if award is None:
        award = Award(edition_id=edition.id, application_id=application.id)
        db.session.add(award)
    award.kind = kind
    award.category_id = application.category_id
    award.justification = justification
    award.departure_reason = departure_reason
    award.snapshot_id = snapshot.id
    award.decided_at = utcnow()
    award.decided_by_id = actor.id
    db.session.flush()
    _audit("award.decide", award, actor=actor, before=before)
    return award


def record_special_award(
    edition: Edition,
    application: Application,
    special: SpecialAward,
    *,
    actor,
    justification: str,
) -> Award:
    """Give one of the edition's special awards to an entry of the current
    ranking (ranked or not), with a justification; giving it again to the same
    entry replaces the justification."""
    snapshot = deciding_snapshot(edition, actor)
    _check_entry(edition, application)
    if special.edition_id != edition.id:
        raise LaurelError(_("This special award belongs to another edition."))
    justification = _text(justification)
    if not justification:
        raise LaurelError(_("Give the justification of the award."))
    if _entry(snapshot, application) is None:
        raise LaurelError(_("Only an entry of the current ranking can receive an award."))
    award = db.session.scalar(
        sa.select(Award).where(
            Award.application_id == application.id, Award.special_award_id == special.id
        )
    )
    before = audit.snapshot(award, AWARD_FIELDS) if award is not None else None
    if award is None:
        award = Award(
            edition_id=edition.id,
            application_id=application.id,
            kind=AwardKind.special,
            special_award_id=special.id,
        )
        db.session.add(award)
    award.category_id = application.category_id
    award.justification = justification
    award.snapshot_id = snapshot.id
    award.decided_at = utcnow()
    award.decided_by_id = actor.id
    db.session.flush()
    _audit("award.decide", award, actor=actor, before=before)
    return award


def withdraw_award(award: Award, *, actor) -> None:
    """Take an award back. Withdrawing a category award must not leave an
    award ranked below it departing from the ranking without a reason."""
    edition = award.edition
    snapshot = deciding_snapshot(edition, actor)
    if award.is_category_award:
        awards = _category_awards(edition.id, award.category_id)
        unexplained = rules.unexplained_after_withdrawal(
            award.application_id,
            _positions(snapshot, award.category_id),
            {app_id: rules.rank_of(a.kind) for app_id, a in awards.items()},
            {app_id: a.departure_reason for app_id, a in awards.items()},
        )
        if unexplained:
            raise LaurelError(
                _(
                    "Withdrawing this award would leave the awards of %(offices)s above a "
                    "better-ranked entry without a reason. Record those awards again with the "
                    "reason for departing from the ranking, then withdraw this one.",
                    offices=_office_names(edition, unexplained, actor),
                )
            )
    audit.record(
        "award.withdraw",
        actor=actor,
        obj=award,
        edition_id=edition.id,
        before=audit.snapshot(award, AWARD_FIELDS),
    )
    db.session.delete(award)
    db.session.flush()


def confirm_award(award: Award, *, actor) -> Award:
    """Confirm a decision taken on an earlier version of the ranking: the
    entry must still be in the current one (ranked, for a category award) and
    a decision that now departs from the ranking must carry a reason."""
    edition = award.edition
    snapshot = deciding_snapshot(edition, actor)
    if award.snapshot_id == snapshot.id:
        return award
    application = award.application
    entry = _entry(snapshot, application)
    if entry is None or (award.is_category_award and entry.position is None):
        raise LaurelError(
            _("The entry is not ranked in the current ranking: withdraw the award instead.")
        )
    if award.is_category_award:
        try:
            _check_departure(
                application,
                snapshot,
                rank=rules.rank_of(award.kind),
                reason=award.departure_reason,
                actor=actor,
            )
        except DepartureReasonNeeded as exc:
            raise LaurelError(
                exc.message + " " + _("Record the decision again with the reason.")
            ) from None
    before = {"snapshot_id": award.snapshot_id}
    award.snapshot_id = snapshot.id
    db.session.flush()
    audit.record(
        "award.confirm",
        actor=actor,
        obj=award,
        edition_id=edition.id,
        before=before,
        after={"snapshot_id": snapshot.id, "kind": award.kind},
    )
    return award


def withhold_category(edition: Edition, category: Category, *, actor, reason: str) -> WithheldAward:
    """No entry of the category is good enough: no laureate, and the reason is
    published with the results. Refused while the category has a laureate;
    withholding again changes the reason."""
    deciding_snapshot(edition, actor)
    if category.edition_id != edition.id:
        raise LaurelError(_("This category belongs to another edition."))
    reason = _text(reason)
    if not reason:
        raise LaurelError(_("Give the reason for withholding the award."))
    laureates = [
        a
        for a in _category_awards(edition.id, category.id).values()
        if a.kind is AwardKind.laureate
    ]
    if laureates:
        raise LaurelError(
            _(
                "The category has a laureate (%(offices)s): withdraw that award before "
                "withholding the category's award.",
                offices=_office_names(edition, (a.application_id for a in laureates), actor),
            )
        )
    withheld = _withheld(category.id)
    before = {"reason": withheld.reason} if withheld is not None else None
    if withheld is None:
        withheld = WithheldAward(edition_id=edition.id, category_id=category.id, reason=reason)
        db.session.add(withheld)
    withheld.reason = reason
    withheld.decided_at = utcnow()
    withheld.decided_by_id = actor.id
    db.session.flush()
    audit.record(
        "award.withhold",
        actor=actor,
        obj=withheld,
        edition_id=edition.id,
        before=before,
        after={"category_id": category.id, "reason": reason},
    )
    return withheld


def undo_withhold(edition: Edition, category: Category, *, actor) -> None:
    """The category's award is no longer withheld (the category is undecided again)."""
    deciding_snapshot(edition, actor)
    withheld = _withheld(category.id)
    if category.edition_id != edition.id or withheld is None:
        raise LaurelError(_("The category's award is not withheld."))
    audit.record(
        "award.unwithhold",
        actor=actor,
        obj=withheld,
        edition_id=edition.id,
        before={"category_id": category.id, "reason": withheld.reason},
    )
    db.session.delete(withheld)
    db.session.flush()


def awards_of_edition(edition: Edition) -> list[Award]:
    """The edition's awards with their entry, office and special award (one query)."""
    return list(
        db.session.scalars(
            sa.select(Award)
            .where(Award.edition_id == edition.id)
            .options(
                joinedload(Award.application).joinedload(Application.office),
                joinedload(Award.special_award),
            )
            .order_by(Award.id)
        ).unique()
    )
