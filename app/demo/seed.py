"""Seeding the demo: accounts, offices and the first edition (open for
applications); the pilot edition (app/demo/pilot.py, in stage 2), the finished
past edition (app/demo/past.py, results published) and the gala post
(app/demo/news.py).

`seed_demo()` is idempotent: it looks for what it would create (by the edition's
slug and by e-mail) and creates only what is missing.
"""

from __future__ import annotations

import datetime as dt
import io

import sqlalchemy as sa

from app.accounts.models import Role, User
from app.awards.models import SpecialAward
from app.demo.data import (
    AREAS,
    CATEGORIES,
    DEMO_PASSWORD,
    EDITION_SLUG,
    JURORS,
    OFFICE_ACCOUNTS,
    OFFICES,
    ORGANIZER,
    SPECIAL_AWARDS,
    SUBMITTED,
)
from app.editions.models import (
    Area,
    Category,
    Criterion,
    Edition,
    EditionStatus,
    Question,
    QuestionKind,
)
from app.extensions import db
from app.jury.models import JuryMembership, MembershipStatus
from app.offices.models import (
    Answer,
    Application,
    ApplicationStatus,
    Document,
    Office,
    OfficeStatus,
)
from app.offices.uploads import store_document
from app.offices.validators import complete_nip, complete_regon
from app.timeutil import from_local, utcnow


def _nip(prefix9: str) -> str:
    # Walk the last digit until the checksum exists (one in eleven prefixes has none).
    for bump in range(10):
        candidate = complete_nip(prefix9[:8] + str((int(prefix9[8]) + bump) % 10))
        if candidate:
            return candidate
    raise ValueError(prefix9)


def _user(email: str, name: str, role: Role, office: Office | None = None) -> tuple[User, bool]:
    user = db.session.scalar(sa.select(User).where(User.email == email))
    if user:
        return user, False
    user = User(email=email, full_name=name, role=role, office=office, email_confirmed_at=utcnow())
    user.set_password(DEMO_PASSWORD)
    db.session.add(user)
    return user, True


def _demo_pdf(title: str) -> bytes:
    """A small, valid one-page PDF, so demo entries carry real evidence files."""
    text = title.encode("latin-1", "replace").replace(b"(", b"[").replace(b")", b"]")
    stream = b"BT /F1 14 Tf 72 770 Td (" + text + b") Tj ET"
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 4 0 R "
        b"/Resources << /Font << /F1 5 0 R >> >> >>",
        b"<< /Length " + str(len(stream)).encode() + b" >>stream\n" + stream + b"\nendstream",
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
    ]
    out, offsets = bytearray(b"%PDF-1.4\n"), []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += str(number).encode() + b" 0 obj\n" + body + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 " + str(len(objects) + 1).encode() + b"\n0000000000 65535 f \n"
    out += b"".join(f"{o:010d} 00000 n \n".encode() for o in offsets)
    out += b"trailer\n<< /Size " + str(len(objects) + 1).encode() + b" /Root 1 0 R >>\nstartxref\n"
    out += str(xref).encode() + b"\n%%EOF\n"
    return bytes(out)


def _demo_document(area: Area) -> Document:
    # Stored the way an office's upload is: sniffed, hashed, named by the server.
    data = _demo_pdf("Karta uslug")
    stored = store_document(io.BytesIO(data), "karta-uslug.pdf", max_bytes=len(data))
    return Document(
        area=area,
        original_name=stored.original_name,
        stored_name=stored.stored_name,
        content_type=stored.content_type,
        size_bytes=stored.size_bytes,
        sha256=stored.sha256,
    )


def _answer_for(question: Question, office: Office) -> Answer:
    if question.kind is QuestionKind.yes_no:
        return Answer(question=question, bool_value=len(office.name) % 2 == 0)
    if question.kind is QuestionKind.number:
        return Answer(
            question=question, number_value=min(question.max_value or 50, 4 + len(office.city))
        )
    return Answer(
        question=question,
        text_value=f"{office.name}: {question.prompt.rstrip('?.').lower()} — opis przygotowany na potrzeby demonstracji.",
    )


def add_structure(edition: Edition) -> None:
    """The categories, areas, criteria, questions and special awards every
    demo edition shares."""
    for pos, (name, description) in enumerate(SPECIAL_AWARDS):
        db.session.add(
            SpecialAward(edition=edition, name=name, description=description, position=pos)
        )
    for pos, (name, desc, types) in enumerate(CATEGORIES):
        edition.categories.append(
            Category(
                name=name,
                description=desc,
                position=pos,
                allowed_office_types=[t.value for t in types],
            )
        )
    for pos, (area_name, criteria, questions) in enumerate(AREAS):
        area = Area(name=area_name, position=pos)
        for cpos, (stage, cname, max_score, weight, guidance) in enumerate(criteria):
            area.criteria.append(
                Criterion(
                    stage=stage,
                    name=cname,
                    max_score=max_score,
                    weight=weight,
                    guidance=guidance,
                    position=cpos,
                )
            )
        for qpos, (kind, prompt, extra) in enumerate(questions):
            area.questions.append(Question(kind=kind, prompt=prompt, position=qpos, **extra))
        edition.areas.append(area)


def seed_demo() -> dict[str, int]:
    """Create the demo editions, their people and entries; return what was created
    (all zeros when everything is there already)."""
    created = {"users": 0, "offices": 0, "editions": 0, "applications": 0}
    organizer, new = _user(*ORGANIZER, Role.organizer)
    created["users"] += new
    jurors = []
    for email, name in JURORS:
        juror, new = _user(email, name, Role.juror)
        created["users"] += new
        jurors.append(juror)

    offices = []
    for name, otype, voiv, city, address, postal, regon8, nip9 in OFFICES:
        office = db.session.scalar(sa.select(Office).where(Office.name == name))
        if office is None:
            office = Office(
                name=name,
                office_type=otype,
                voivodeship=voiv,
                city=city,
                address=address,
                postal_code=postal,
                regon=complete_regon(regon8),
                nip=_nip(nip9),
                contact_name="Sekretarz",
                contact_email=f"sekretariat{len(offices) + 1}@urzad.laurel.example",
                status=OfficeStatus.approved,
            )
            db.session.add(office)
            created["offices"] += 1
        offices.append(office)
    db.session.flush()
    for i in OFFICE_ACCOUNTS:
        _, new = _user(
            f"urzad{i + 1}@laurel.example",
            f"Koordynator — {offices[i].city}",
            Role.office,
            offices[i],
        )
        created["users"] += new

    edition = db.session.scalar(sa.select(Edition).where(Edition.slug == EDITION_SLUG))
    if edition is None:
        year = utcnow().year
        edition = Edition(
            name=f"Przyjazny Urząd — I edycja {year}",
            slug=EDITION_SLUG,
            year=year,
            description="Znak jakości dla urzędów administracji publicznej, które najlepiej obsługują mieszkańców.",
            organizer_name="Instytut Jakości Administracji Publicznej",
            status=EditionStatus.applications_open,
            applications_open_at=from_local(dt.datetime(year, 1, 1, 0, 0)),
            applications_close_at=from_local(dt.datetime(year + 1, 1, 31, 23, 59)),
            stage1_start=dt.date(year + 1, 2, 1),
            stage1_end=dt.date(year + 1, 3, 15),
            stage2_start=dt.date(year + 1, 3, 16),
            stage2_end=dt.date(year + 1, 5, 15),
            chapter_date=dt.date(year + 1, 5, 30),
            results_date=dt.date(year + 1, 6, 5),
            gala_date=dt.date(year + 1, 6, 20),
            gala_place="Zamek Królewski w Warszawie",
        )
        add_structure(edition)
        db.session.add(edition)
        db.session.flush()
        created["editions"] += 1

        for juror in jurors:
            db.session.add(
                JuryMembership(
                    edition=edition,
                    user=juror,
                    status=MembershipStatus.accepted,
                    responded_at=utcnow(),
                )
            )
        questions = [q for a in edition.areas for q in a.questions]
        for i in OFFICE_ACCOUNTS:
            office = offices[i]
            category = next(c for c in edition.categories if c.admits(office.office_type))
            application = Application(edition=edition, office=office, category=category)
            application.answers = [_answer_for(q, office) for q in questions]
            if i in SUBMITTED:
                application.documents.append(_demo_document(edition.areas[0]))
                application.status = ApplicationStatus.submitted
                application.submitted_at = utcnow()
            db.session.add(application)
            created["applications"] += 1
    db.session.flush()
    # Imported here: the pilot builds on this module's helpers.
    from app.demo.pilot import seed_pilot

    for key, count in seed_pilot(organizer, jurors, offices).items():
        created[key] = created.get(key, 0) + count
    from app.demo.past import seed_past

    for key, count in seed_past(organizer, jurors, offices).items():
        created[key] = created.get(key, 0) + count
    # Last, so that the gala post can point at a finished edition when there is one.
    from app.demo.news import seed_news

    created["news_posts"] = seed_news(organizer)
    return created
