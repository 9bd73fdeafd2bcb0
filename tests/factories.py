"""Builders for test data: `make.edition()`, `make.application(office=...)` ...
Every argument has a sensible default; pass only what the test is about."""

from __future__ import annotations

import datetime as dt
import itertools
from types import SimpleNamespace

from app.accounts.models import Role, User
from app.editions.models import (
    Area,
    Category,
    Criterion,
    Edition,
    EditionStatus,
    Question,
    QuestionKind,
)
from app.jury.models import (
    Assignment,
    ConflictOfInterest,
    JuryMembership,
    MembershipStatus,
    Score,
    ScoreSheet,
    SheetStatus,
    SiteVisitIssue,
)
from app.jury.visits.models import (
    ChecklistItem,
    ChecklistItemKind,
    ExternalFinding,
    FindingEffect,
    MysteryVisit,
    VisitAnswer,
    VisitChannel,
    VisitStatus,
)
from app.offices.models import (
    Answer,
    Application,
    ApplicationStatus,
    Document,
    Office,
    OfficeStatus,
    OfficeType,
    Voivodeship,
)
from app.offices.validators import complete_nip, complete_regon
from app.timeutil import utcnow

PASSWORD = "correct horse battery"
_seq = itertools.count(1)


def valid_nip(n: int) -> str:
    for k in itertools.count(n * 7):
        nip = complete_nip(f"{100000000 + k:09d}")
        if nip:
            return nip
    raise AssertionError


def valid_regon(n: int) -> str:
    return complete_regon(f"{10000000 + n:08d}")


class Factories:
    def __init__(self, db):
        self.db = db

    def _add(self, obj):
        self.db.session.add(obj)
        self.db.session.flush()
        return obj

    # people
    def user(self, role=Role.organizer, *, email=None, full_name=None, password=PASSWORD, **kw):
        n = next(_seq)
        user = User(
            email=email or f"user{n}@example.org",
            full_name=full_name or f"Użytkownik {n}",
            role=role,
            email_confirmed_at=utcnow(),
            **kw,
        )
        if password:
            user.set_password(password)
        return self._add(user)

    def organizer(self, **kw):
        return self.user(Role.organizer, **kw)

    def juror(self, *, edition=None, status=MembershipStatus.accepted, **kw):
        user = self.user(Role.juror, **kw)
        if edition is not None:
            self.membership(edition=edition, user=user, status=status)
        return user

    def office_user(self, *, office=None, **kw):
        return self.user(Role.office, office=office or self.office(), **kw)

    def membership(self, *, edition, user, status=MembershipStatus.accepted):
        return self._add(JuryMembership(edition=edition, user=user, status=status))

    # competition
    def edition(self, *, status=EditionStatus.applications_open, categories=1, areas=1, **kw):
        n = next(_seq)
        kw.setdefault("name", f"Edycja {n}")
        kw.setdefault("slug", f"edycja-{n}")
        kw.setdefault("year", 2026)
        if status is EditionStatus.applications_open:
            kw.setdefault("applications_open_at", utcnow() - dt.timedelta(days=1))
            kw.setdefault("applications_close_at", utcnow() + dt.timedelta(days=30))
        edition = self._add(Edition(status=status, **kw))
        for i in range(categories):
            self.category(edition=edition, name=f"Kategoria {i + 1}")
        for i in range(areas):
            area = self.area(edition=edition, name=f"Obszar {i + 1}")
            self.criterion(area=area, stage=1)
            self.criterion(area=area, stage=2)
            self.question(area=area)
        self.db.session.refresh(edition)
        return edition

    def category(self, *, edition, name=None, allowed_office_types=None, **kw):
        return self._add(
            Category(
                edition=edition,
                name=name or f"Kategoria {next(_seq)}",
                allowed_office_types=allowed_office_types or [],
                **kw,
            )
        )

    def area(self, *, edition, name=None, **kw):
        return self._add(Area(edition=edition, name=name or f"Obszar {next(_seq)}", **kw))

    def criterion(self, *, area, stage=1, name=None, max_score=10, weight=1.0, **kw):
        return self._add(
            Criterion(
                area=area,
                stage=stage,
                name=name or f"Kryterium {next(_seq)}",
                max_score=max_score,
                weight=weight,
                **kw,
            )
        )

    def question(self, *, area, kind=QuestionKind.text, prompt=None, **kw):
        if kind is QuestionKind.text:
            kw.setdefault("max_length", 2000)
        return self._add(
            Question(area=area, kind=kind, prompt=prompt or f"Pytanie {next(_seq)}?", **kw)
        )

    def office(
        self, *, name=None, office_type=OfficeType.municipal, status=OfficeStatus.approved, **kw
    ):
        n = next(_seq)
        kw.setdefault("voivodeship", Voivodeship.mazowieckie)
        kw.setdefault("city", f"Miasto {n}")
        kw.setdefault("regon", valid_regon(n))
        kw.setdefault("nip", valid_nip(n))
        kw.setdefault("contact_email", f"office{n}@example.org")
        return self._add(
            Office(name=name or f"Urząd Gminy {n}", office_type=office_type, status=status, **kw)
        )

    def application(
        self, *, edition=None, office=None, category=None, status=ApplicationStatus.draft, **kw
    ):
        edition = edition or self.edition()
        office = office or self.office()
        category = category or edition.categories[0]
        if status is not ApplicationStatus.draft:
            kw.setdefault("submitted_at", utcnow())
        return self._add(
            Application(edition=edition, office=office, category=category, status=status, **kw)
        )

    def assignment(self, *, application, juror, stage=1):
        return self._add(Assignment(application=application, juror=juror, stage=stage))

    def conflict(self, *, edition, juror, office, reason="Były pracownik"):
        return self._add(
            ConflictOfInterest(edition_id=edition.id, juror=juror, office=office, reason=reason)
        )

    # scoring
    def score(self, *, sheet, criterion, value=None, strengths="", improvements=""):
        """A score with its criterion's scale copied, as the scoring service writes it."""
        return self._add(
            Score(
                sheet_id=sheet.id,
                criterion_id=criterion.id,
                stage=criterion.stage,
                max_score=criterion.max_score,
                step=criterion.step,
                value=value,
                strengths=strengths,
                improvements=improvements,
            )
        )

    def sheet(
        self,
        *,
        assignment=None,
        application=None,
        juror=None,
        stage=1,
        status=SheetStatus.submitted,
        values=None,
        fill=None,
        **kw,
    ):
        """A score sheet. `values` maps criteria to values; `fill=v` scores every
        criterion of the stage with v instead. Without an assignment one is made
        from `application` and `juror`."""
        if assignment is None:
            assignment = self.assignment(application=application, juror=juror, stage=stage)
        if status is not SheetStatus.draft:
            kw.setdefault("submitted_at", utcnow())
        sheet = self._add(
            ScoreSheet(assignment_id=assignment.id, stage=assignment.stage, status=status, **kw)
        )
        if fill is not None:
            edition = assignment.application.edition
            values = {c: fill for c in edition.criteria_for_stage(assignment.stage)}
        for criterion, value in (values or {}).items():
            self.score(sheet=sheet, criterion=criterion, value=value)
        self.db.session.refresh(sheet)
        self.db.session.refresh(assignment)
        return sheet

    def site_visit_issue(self, *, sheet, text="Deklarowany czas oczekiwania: 15 minut", **kw):
        return self._add(
            SiteVisitIssue(
                sheet_id=sheet.id,
                application_id=sheet.assignment.application_id,
                text=text,
                **kw,
            )
        )

    # stage 2
    def checklist_item(
        self,
        *,
        edition,
        channel=VisitChannel.in_person,
        kind=ChecklistItemKind.yes_no,
        prompt=None,
        **kw,
    ):
        if kind is ChecklistItemKind.scale:
            kw.setdefault("scale_max", 5)
        return self._add(
            ChecklistItem(
                edition_id=edition.id,
                channel=channel,
                kind=kind,
                prompt=prompt or f"Pytanie kontrolne {next(_seq)}?",
                **kw,
            )
        )

    def visit(
        self,
        *,
        application,
        visitor=None,
        visitor_name="",
        channel=VisitChannel.in_person,
        status=VisitStatus.submitted,
        answers=None,
        **kw,
    ):
        """A mystery-shopper visit; `answers` maps checklist items to values
        (bool, int or str, by the item's kind)."""
        if status is VisitStatus.submitted:
            kw.setdefault("visited_at", utcnow() - dt.timedelta(days=1))
            kw.setdefault("submitted_at", utcnow())
        if visitor is None and not visitor_name:
            visitor_name = "Anna Kontrolna"
        visit = self._add(
            MysteryVisit(
                application_id=application.id,
                visitor_id=visitor.id if visitor is not None else None,
                visitor_name=visitor_name,
                channel=channel,
                status=status,
                **kw,
            )
        )
        for item, value in (answers or {}).items():
            answer = VisitAnswer(visit_id=visit.id, item_id=item.id)
            if item.kind is ChecklistItemKind.yes_no:
                answer.bool_value = value
            elif item.kind is ChecklistItemKind.text:
                answer.text_value = value
            else:
                answer.number_value = value
            self._add(answer)
        self.db.session.refresh(visit)
        return visit

    def finding(self, *, application, author=None, criterion=None, **kw):
        kw.setdefault("source", "Biuletyn Informacji Publicznej")
        kw.setdefault("found_on", dt.date(2026, 5, 4))
        kw.setdefault("finding", "Brak aktualnej karty usług na stronie BIP.")
        kw.setdefault("effect", FindingEffect.negative)
        return self._add(
            ExternalFinding(
                application_id=application.id,
                author_id=author.id if author is not None else None,
                criterion_id=criterion.id if criterion is not None else None,
                **kw,
            )
        )

    # a juror's workload
    def confirmed_list(self, edition):
        """The stage-2 list of an edition in stage 1 as if confirmed (every
        submitted entry qualified), so that stage 1 may close."""
        from app.results.models import Qualification

        for application in edition.applications:
            if application.status is not ApplicationStatus.draft:
                self._add(
                    Qualification(
                        edition_id=edition.id,
                        application_id=application.id,
                        proposed=True,
                        qualified=True,
                    )
                )

    def workload(self, *, entries=2, criteria=2):
        """An edition in stage 1 with `criteria` stage-1 criteria (two per area;
        0..10 by 1 and 0..20 by 0.5), `entries` submitted entries, each with an
        answer and two documents, and one juror (declaration confirmed) assigned
        to all of them. The sheets go round: a draft with every criterion scored
        and commented, a submitted sheet likewise, no sheet yet. Returns
        SimpleNamespace(edition, criteria, juror, assignments); assignments[0]
        has the draft."""
        edition = self.edition(status=EditionStatus.stage1, areas=0)
        scale = []
        for i in range(criteria):
            if i % 2 == 0:
                area = self.area(edition=edition, position=i)
                question = self.question(area=area)
            scale.append(
                self.criterion(
                    area=area,
                    stage=1,
                    max_score=10 if i % 2 == 0 else 20,
                    step=1.0 if i % 2 == 0 else 0.5,
                    position=i,
                )
            )
        juror = self.juror(edition=edition)
        juror.jury_memberships[0].conflicts_confirmed_at = utcnow()
        assignments = []
        for n in range(entries):
            application = self.application(edition=edition, status=ApplicationStatus.submitted)
            self._add(Answer(application=application, question=question, text_value="Tak."))
            for d in range(2):
                self._add(
                    Document(
                        application=application,
                        original_name=f"zalacznik-{d}.pdf",
                        stored_name=f"{next(_seq)}-{n}-{d}.pdf",
                        content_type="application/pdf",
                        size_bytes=1000,
                        sha256="0" * 64,
                    )
                )
            assignment = self.assignment(application=application, juror=juror)
            if n % 3 < 2:
                sheet = self.sheet(
                    assignment=assignment,
                    status=SheetStatus.draft if n % 3 == 0 else SheetStatus.submitted,
                )
                for c in scale:
                    self.score(
                        sheet=sheet,
                        criterion=c,
                        value=c.max_score / 2,
                        strengths="Aktualna karta usług.",
                        improvements="Brak badania satysfakcji.",
                    )
            assignments.append(assignment)
        self.db.session.flush()
        return SimpleNamespace(
            edition=edition, criteria=scale, juror=juror, assignments=assignments
        )

    # evidence files
    def document(
        self,
        *,
        application,
        name="karta-uslug.pdf",
        content=b"%PDF-1.4\n%%EOF\n",
        content_type="application/pdf",
    ):
        """A document row with its file written under a server-made name."""
        import hashlib
        import secrets

        from app.offices import uploads
        from app.offices.models import Document

        stored = f"{secrets.token_hex(8)}.{name.rsplit('.', 1)[-1]}"
        path = uploads.document_path(stored)
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(content)
        return self._add(
            Document(
                application=application,
                original_name=name,
                stored_name=stored,
                content_type=content_type,
                size_bytes=len(content),
                sha256=hashlib.sha256(content).hexdigest(),
            )
        )
