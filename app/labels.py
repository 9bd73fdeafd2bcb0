"""Human names for enum values, translated. One place, used by templates
(`value|label`) and forms (choices)."""

from __future__ import annotations

import enum

from flask_babel import lazy_gettext as _l
from flask_babel import lazy_pgettext, pgettext
from markupsafe import Markup

from app.accounts.models import Role
from app.awards.models import AwardKind, DiplomaTemplate
from app.editions.models import (
    CommentRule,
    ConsensusScoring,
    EditionStatus,
    QualificationMode,
    QuestionKind,
    ScoreMode,
)
from app.jobs_models import JobStatus
from app.jury.consensus.models import ResponseDecision
from app.jury.models import IssueCheck, MembershipStatus, SheetStatus
from app.jury.visits.models import ChecklistItemKind, FindingEffect, VisitChannel, VisitStatus
from app.offices.models import ApplicationStatus, OfficeStatus, OfficeType, Voivodeship
from app.public.models import PostStatus
from app.translating import request_cache

LABELS: dict[enum.Enum, object] = {
    Role.organizer: _l("Organizer"),
    Role.juror: _l("Juror"),
    Role.office: _l("Office user"),
    EditionStatus.draft: _l("Draft"),
    EditionStatus.applications_open: _l("Applications open"),
    EditionStatus.stage1: _l("Stage 1: document assessment"),
    EditionStatus.stage2: _l("Stage 2: external sources and mystery shopper"),
    EditionStatus.chapter: _l("Chapter deliberation"),
    EditionStatus.results_published: _l("Results published"),
    EditionStatus.archived: _l("Archived"),
    QuestionKind.text: _l("Text"),
    QuestionKind.yes_no: _l("Yes/no"),
    QuestionKind.number: _l("Number"),
    OfficeType.marshal: _l("Marshal office"),
    OfficeType.voivodeship: _l("Voivodeship office"),
    OfficeType.county: _l("County office"),
    OfficeType.city: _l("City office"),
    OfficeType.municipal: _l("Municipal office"),
    OfficeType.other: _l("Other public office"),
    OfficeStatus.pending: _l("Awaiting approval"),
    OfficeStatus.approved: lazy_pgettext("office status", "Approved"),
    OfficeStatus.rejected: lazy_pgettext("office status", "Rejected"),
    ApplicationStatus.draft: _l("Draft"),
    ApplicationStatus.submitted: lazy_pgettext("application status", "Submitted"),
    ApplicationStatus.qualified: _l("Qualified for stage 2"),
    ApplicationStatus.not_qualified: _l("Not qualified for stage 2"),
    MembershipStatus.invited: lazy_pgettext("juror status", "Invited"),
    MembershipStatus.accepted: lazy_pgettext("juror status", "Accepted"),
    MembershipStatus.declined: lazy_pgettext("juror status", "Declined"),
    SheetStatus.draft: _l("Draft"),
    SheetStatus.submitted: lazy_pgettext("score sheet status", "Submitted"),
    SheetStatus.locked: lazy_pgettext("score sheet status", "Locked"),
    VisitChannel.in_person: _l("In person"),
    VisitChannel.phone: _l("Phone"),
    VisitChannel.email: _l("E-mail"),
    VisitChannel.website: _l("Website"),
    VisitChannel.e_service: _l("E-service"),
    FindingEffect.positive: _l("Positive"),
    FindingEffect.neutral: _l("Neutral"),
    FindingEffect.negative: _l("Negative"),
    CommentRule.always: _l("Always (strengths or areas for improvement)"),
    CommentRule.extremes: _l("For a top or bottom score"),
    CommentRule.never: _l("Never"),
    IssueCheck.not_checked: lazy_pgettext("site-visit issue", "Not checked"),
    IssueCheck.confirmed: lazy_pgettext("site-visit issue", "Confirmed"),
    IssueCheck.not_confirmed: lazy_pgettext("site-visit issue", "Not confirmed"),
    ChecklistItemKind.yes_no: _l("Yes/no"),
    ChecklistItemKind.scale: _l("Scale"),
    ChecklistItemKind.minutes: _l("Minutes"),
    ChecklistItemKind.text: _l("Text"),
    VisitStatus.planned: lazy_pgettext("visit status", "Planned"),
    VisitStatus.draft: _l("Draft"),
    VisitStatus.submitted: lazy_pgettext("visit status", "Submitted"),
    AwardKind.laureate: _l("Laureate"),
    AwardKind.distinction: _l("Distinction"),
    AwardKind.special: _l("Special award"),
    ScoreMode.raw: _l("Raw scores"),
    ScoreMode.normalised: _l("Scores normalised per juror"),
    QualificationMode.top_k: _l("Best N in each category"),
    QualificationMode.threshold: _l("At least N per cent in stage 1"),
    ConsensusScoring.consensus: _l("Agreed consensus scores"),
    ConsensusScoring.mean: _l("Mean of the jurors' sheets"),
    ResponseDecision.agree: _l("Agrees"),
    ResponseDecision.object: _l("Objects"),
    PostStatus.draft: _l("Draft"),
    PostStatus.published: lazy_pgettext("news post status", "Published"),
    DiplomaTemplate.laureate: _l("Laureate diploma"),
    DiplomaTemplate.distinction: _l("Distinction diploma"),
    DiplomaTemplate.special: _l("Special award diploma"),
    DiplomaTemplate.quality_mark: _l("Quality-mark certificate"),
    DiplomaTemplate.participation: _l("Certificate of participation"),
    JobStatus.queued: _l("Queued"),
    JobStatus.running: _l("Running"),
    JobStatus.retrying: _l("Failed, will be retried"),
    JobStatus.done: _l("Finished"),
    JobStatus.failed: _l("Failed"),
}


def _translate(value) -> str:
    text = LABELS.get(value)
    return str(text) if text is not None else str(getattr(value, "value", value))


def label(value) -> str:
    """The translated name of an enum member (voivodeships are proper names).

    A list page shows the same few statuses on every row, so each label is
    translated once per request and language (force_locale, used for mail and
    diplomas, gives a language of its own)."""
    if isinstance(value, Voivodeship):
        return value.value
    if not isinstance(value, enum.Enum):
        return _translate(value)
    cache = request_cache()
    if cache is None:
        return _translate(value)
    text = cache.get(value)
    if text is None:
        text = cache[value] = _translate(value)
    return text


def stage_numeral(stage: int) -> str:
    """A stage's number where it names the stage (a heading, a menu, a column:
    "Etap I"); sentences keep the digit ("w etapie 1"), as docs/glossary.md
    says. English keeps the digit in both."""
    if stage == 1:
        return pgettext("stage numeral", "1")
    if stage == 2:
        return pgettext("stage numeral", "2")
    return str(stage)


def status_badge(value) -> Markup:
    """A status as a coloured badge: `badge-<value>` picks the colour, the
    label says it in words (the colour is never the only cue). Made once per
    request and language for each status, like the label."""
    cache = request_cache()
    key = ("badge", value)
    badge = cache.get(key) if cache is not None else None
    if badge is None:
        badge = Markup('<span class="badge badge-{}">{}</span>').format(
            getattr(value, "value", value), label(value)
        )
        if cache is not None:
            cache[key] = badge
    return badge


def choices(enum_cls) -> list[tuple[str, object]]:
    """(value, label) pairs for a SelectField. The labels stay lazy, so a form
    class built at import time still shows them in the language of each request."""
    return [
        (m.value, m.value if isinstance(m, Voivodeship) else LABELS.get(m, m.value))
        for m in enum_cls
    ]
