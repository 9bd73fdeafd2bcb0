"""Generating, regenerating and revoking; the snapshot; the database's one
live document per award; the batch job with its progress; the ZIP."""

from __future__ import annotations

import datetime as dt
import io
import zipfile

import pytest
import sqlalchemy as sa
from sqlalchemy.exc import IntegrityError

from app.audit.models import AuditEvent
from app.awards import diploma_batch, diploma_files, diplomas
from app.awards.diploma_models import DiplomaDesign
from app.awards.models import Diploma
from app.editions.models import EditionStatus
from app.errors import LaurelError
from app.jobs_models import JobRun, JobStatus
from app.timeutil import utcnow
from tests.diplomas.conftest import pdf_text


def _generate(awards, award=None):
    design = diplomas.design_of(awards.edition)
    subject = diplomas.subject_of_award(award or awards.laureate, design)
    return diplomas.generate_diploma(subject, actor=awards.organizer)


def test_generate_stores_the_pdf_its_hash_and_a_snapshot(awards, request_ctx, db):
    diploma = _generate(awards)
    db.session.commit()
    path = diploma_files.pdf_path(diploma.stored_name)
    pdf = path.read_bytes()
    assert diploma.sha256 == __import__("hashlib").sha256(pdf).hexdigest()
    assert len(diploma.verification_code) >= 32  # token_urlsafe(24): 192 bits
    assert diploma.version == 1 and diploma.revoked_at is None
    assert diploma.snapshot["office"] == "Urząd Gminy Żółkiewka"
    assert diploma.snapshot["category"] == "Gminy wiejskie i miejsko-wiejskie"
    assert diploma.template == "laureate" and diploma.valid_until is None
    assert "Urząd Gminy Żółkiewka" in pdf_text(pdf)
    event = db.session.scalar(sa.select(AuditEvent).where(AuditEvent.action == "diploma.generate"))
    assert event.object_id == diploma.id and event.after["sha256"] == diploma.sha256


def test_renaming_the_office_later_changes_nothing_certified(awards, request_ctx, db):
    diploma = _generate(awards)
    db.session.commit()
    awards.laureate.application.office.name = "Urząd Gminy Nowa Nazwa"
    db.session.commit()
    db.session.expire_all()
    assert db.session.get(Diploma, diploma.id).snapshot["office"] == "Urząd Gminy Żółkiewka"
    assert "Urząd Gminy Żółkiewka" in pdf_text(diplomas.render_diploma(diploma))


def test_regenerating_makes_a_new_version_and_revokes_the_old(awards, request_ctx, db):
    first = _generate(awards)
    db.session.commit()
    second = _generate(awards)
    db.session.commit()
    assert second.version == 2 and second.verification_code != first.verification_code
    assert first.revoked_at is not None and second.revoked_at is None
    assert diplomas.replacement_of(first).id == second.id
    live = [d for d in awards.laureate.diplomas if d.revoked_at is None]
    assert live == [second]


def test_quality_mark_certificate_is_valid_for_the_design_years(awards, request_ctx, db):
    design = DiplomaDesign.defaults(awards.edition)
    design.template_laureate = "quality_mark"
    design.certificate_valid_years = 3
    db.session.add(design)
    db.session.commit()
    diploma = _generate(awards)
    assert diploma.template == "quality_mark"
    # Dated on the gala (12 December 2025), valid to the day before the third anniversary.
    assert diploma.valid_until == dt.date(2028, 12, 11)
    assert diploma.snapshot["valid_until"] == "2028-12-11"
    assert not diploma.expired(dt.date(2028, 12, 11))
    assert diploma.expired(dt.date(2028, 12, 12))


def test_participation_certificates_only_for_submitted_entries_without_award(awards, request_ctx):
    subjects = diplomas.subjects(awards.edition, diplomas.design_of(awards.edition))
    templates = sorted(s.template for s in subjects)
    assert templates == ["distinction", "laureate", "participation", "special"]
    (participation,) = [s for s in subjects if s.template == "participation"]
    assert participation.application.id == awards.plain_entry.id


def test_revoking_needs_a_reason_and_is_audited(awards, request_ctx, db):
    diploma = _generate(awards)
    with pytest.raises(LaurelError):
        diplomas.revoke_diploma(diploma, actor=awards.organizer, reason="  ")
    diplomas.revoke_diploma(diploma, actor=awards.organizer, reason="Błąd w nazwie urzędu")
    db.session.commit()
    assert diploma.revoked_at is not None and diploma.revoke_reason == "Błąd w nazwie urzędu"
    with pytest.raises(LaurelError):
        diplomas.revoke_diploma(diploma, actor=awards.organizer, reason="Znowu")
    assert (
        db.session.scalar(sa.select(sa.func.count()).where(AuditEvent.action == "diploma.revoke"))
        == 1
    )


def test_nobody_but_an_organizer_generates_and_not_before_the_chapter(
    make_awards, make, request_ctx
):
    awards = make_awards(status=EditionStatus.stage2)
    with pytest.raises(LaurelError):
        _generate(awards)
    awards.edition.status = EditionStatus.chapter
    juror = make.juror(edition=awards.edition)
    design = diplomas.design_of(awards.edition)
    with pytest.raises(LaurelError):
        diplomas.generate_diploma(diplomas.subject_of_award(awards.laureate, design), actor=juror)


def _row(award, version, code, **kw):
    return Diploma(
        award_id=award.id,
        application_id=award.application_id,
        version=version,
        verification_code=code,
        template="laureate",
        sha256="",
        snapshot={},
        revoke_reason="",
        **kw,
    )


def test_the_database_keeps_one_live_diploma_per_award(awards, db):
    db.session.add(_row(awards.laureate, 1, "a" * 32))
    db.session.flush()
    db.session.add(_row(awards.laureate, 2, "b" * 32))
    with pytest.raises(IntegrityError):
        db.session.flush()
    db.session.rollback()


def test_revoked_versions_may_pile_up_beside_one_live(awards, db):
    now = utcnow()
    db.session.add(_row(awards.laureate, 1, "c" * 32, generated_at=now, revoked_at=now))
    db.session.add(_row(awards.laureate, 2, "d" * 32, generated_at=now, revoked_at=now))
    db.session.add(_row(awards.laureate, 3, "e" * 32))
    db.session.flush()


def test_the_database_keeps_one_live_participation_certificate_per_entry(awards, db):
    def row(version, code):
        return Diploma(
            award_id=None,
            application_id=awards.plain_entry.id,
            version=version,
            verification_code=code,
            template="participation",
            sha256="",
            snapshot={},
            revoke_reason="",
        )

    db.session.add(row(1, "f" * 32))
    db.session.flush()
    db.session.add(row(2, "g" * 32))
    with pytest.raises(IntegrityError):
        db.session.flush()
    db.session.rollback()


def test_a_participation_certificate_cannot_carry_an_award(awards, db):
    bad = _row(awards.laureate, 1, "h" * 32)
    bad.template = "participation"
    db.session.add(bad)
    with pytest.raises(IntegrityError):
        db.session.flush()
    db.session.rollback()


# ---- the batch --------------------------------------------------------------------------


def _run_batch(awards, *, regenerate=False):
    run = diploma_batch.start_batch(
        awards.edition,
        actor=awards.organizer,
        regenerate=regenerate,
        root_url="https://laurel.example/",
    )
    from app.extensions import db

    db.session.commit()
    diploma_batch.queue(run)  # runs at once under TESTING
    db.session.expire_all()
    return db.session.get(JobRun, run.id)


def _zip_names(edition):
    archive = diploma_files.zip_of(diplomas.zip_entries(edition))
    with zipfile.ZipFile(io.BytesIO(archive.read())) as z:
        return {name: z.read(name) for name in z.namelist()}


def test_batch_makes_every_document_with_progress_and_a_zip(awards, request_ctx, db):
    run = _run_batch(awards)
    assert run.status is JobStatus.done and run.done == run.total == 4 and run.attempts == 1
    live = diplomas.live_diplomas(awards.edition)
    assert sorted(d.template for d in live) == [
        "distinction",
        "laureate",
        "participation",
        "special",
    ]
    # QR codes point at the address the organizer used.
    assert "https://laurel.example/verify/" in pdf_text(
        diploma_files.pdf_path(live[0].stored_name).read_bytes()
    ).replace("\n", "")
    files = _zip_names(awards.edition)
    assert len(files) == 4 and all(name.endswith(".pdf") for name in files)
    assert {__import__("hashlib").sha256(b).hexdigest() for b in files.values()} == {
        d.sha256 for d in live
    }
    assert (
        db.session.scalar(sa.select(sa.func.count()).where(AuditEvent.action == "diploma.batch"))
        == 1
    )
    # Run again: nothing is missing, nothing is made.
    again = _run_batch(awards)
    assert again.status is JobStatus.done and again.total == 0


def test_batch_regenerate_replaces_and_the_zip_holds_only_live_ones(awards, request_ctx, db):
    _run_batch(awards)
    first = {d.id for d in diplomas.live_diplomas(awards.edition)}
    run = _run_batch(awards, regenerate=True)
    assert run.done == 4
    live = diplomas.live_diplomas(awards.edition)
    assert {d.version for d in live} == {2} and not first & {d.id for d in live}
    assert len(_zip_names(awards.edition)) == 4
    assert db.session.scalar(sa.select(sa.func.count(Diploma.id))) == 8


def test_a_second_batch_is_refused_while_one_is_active(awards, request_ctx, db):
    diploma_batch.start_batch(
        awards.edition, actor=awards.organizer, regenerate=False, root_url="/"
    )
    db.session.commit()
    with pytest.raises(LaurelError):
        diploma_batch.start_batch(
            awards.edition, actor=awards.organizer, regenerate=False, root_url="/"
        )


def test_a_failing_batch_records_its_error(awards, request_ctx, db, monkeypatch):
    def broken(*args, **kwargs):
        raise RuntimeError("WeasyPrint exploded")

    monkeypatch.setattr(diploma_batch.render, "html_to_pdf", broken)
    run = diploma_batch.start_batch(
        awards.edition, actor=awards.organizer, regenerate=False, root_url="/"
    )
    db.session.commit()
    with pytest.raises(RuntimeError):
        diploma_batch.queue(run)
    db.session.expire_all()
    run = db.session.get(JobRun, run.id)
    assert run.status is JobStatus.failed and "WeasyPrint exploded" in run.error
    assert run.finished_at is not None


def test_a_failure_with_retries_left_says_it_will_be_retried(awards, request_ctx, db, monkeypatch):
    from types import SimpleNamespace

    monkeypatch.setattr(
        diploma_batch.render, "html_to_pdf", lambda *a, **k: (_ for _ in ()).throw(OSError("disk"))
    )
    run = diploma_batch.start_batch(
        awards.edition, actor=awards.organizer, regenerate=False, root_url="/"
    )
    db.session.commit()
    with pytest.raises(OSError):
        diploma_batch.generate_all.call_local(run.id, task=SimpleNamespace(retries=2))
    db.session.expire_all()
    assert db.session.get(JobRun, run.id).status is JobStatus.retrying


def test_batch_in_a_process_pool(awards, request_ctx, db, app):
    app.config["DIPLOMA_PROCESSES"] = 2
    run = _run_batch(awards)
    assert run.status is JobStatus.done and run.done == 4
    for diploma in diplomas.live_diplomas(awards.edition):
        pdf = diploma_files.pdf_path(diploma.stored_name).read_bytes()
        assert diploma.snapshot["office"] in " ".join(pdf_text(pdf).split())


def test_demo_makes_the_diplomas_of_a_published_edition_once(make_awards, db):
    from app.demo.diplomas import seed_diplomas

    awards = make_awards(status=EditionStatus.results_published)
    assert seed_diplomas() == 4
    db.session.commit()
    assert len(diplomas.live_diplomas(awards.edition)) == 4
    assert seed_diplomas() == 0


def test_a_retried_batch_goes_on_where_it_stopped(awards, request_ctx, db, monkeypatch):
    from types import SimpleNamespace

    real = diploma_batch.render.html_to_pdf
    calls = []

    def third_fails(job):
        calls.append(job)
        if len(calls) == 3:
            raise OSError("disk full")
        return real(job)

    monkeypatch.setattr(diploma_batch, "CHUNK", 2)
    monkeypatch.setattr(diploma_batch.render, "html_to_pdf", third_fails)
    run = diploma_batch.start_batch(
        awards.edition, actor=awards.organizer, regenerate=False, root_url="/"
    )
    db.session.commit()
    with pytest.raises(OSError):
        diploma_batch.generate_all.call_local(run.id, task=SimpleNamespace(retries=1))
    db.session.expire_all()
    stopped = db.session.get(JobRun, run.id)
    assert (stopped.status, stopped.done, stopped.total) == (JobStatus.retrying, 2, 4)
    assert len(diplomas.live_diplomas(awards.edition)) == 2
    diploma_batch.generate_all.call_local(run.id, task=SimpleNamespace(retries=0))
    db.session.expire_all()
    finished = db.session.get(JobRun, run.id)
    assert (finished.status, finished.done, finished.total, finished.attempts) == (
        JobStatus.done,
        4,
        4,
        2,
    )
    assert len(diplomas.live_diplomas(awards.edition)) == 4
    assert len(calls) == 5  # the two made before the failure were not made again
