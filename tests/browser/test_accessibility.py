"""Automated accessibility checks (WCAG 2.1 A and AA rules of axe-core) on the
main pages of every role, and keyboard use of the office questionnaire.

Every page is checked twice: at a desktop width and at 320 CSS pixels, the
width WCAG 1.4.10 (reflow) asks for; there the page must not scroll sideways
(only data tables may, inside a region the keyboard can reach). Links and
buttons with the same name must also lead to the same place (WCAG 2.4.4).

The data (the demo edition plus a few extras) is built once for the module and
each role signs in once through the login form, in a browser tab that then
visits that role's pages. The tests therefore use the session-wide
server (`_live_server`) rather than the per-test `live_server`, whose `db`
fixture would empty the tables between pages.
"""

from __future__ import annotations

from dataclasses import dataclass

import pytest
import sqlalchemy as sa
from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import expect

from app.accounts.models import User
from app.audit import services as audit
from app.awards.models import Award, AwardKind, Diploma, SpecialAward, WithheldAward
from app.demo import DEMO_PASSWORD, EDITION_SLUG, JURORS, ORGANIZER, seed_demo
from app.demo.data import PAST_SLUG, PILOT_SLUG
from app.demo.news import NEWS_SLUG
from app.editions.models import Edition, EditionStatus, ScoreMode
from app.editions.phases import advance_phase
from app.extensions import db as _db
from app.jury.models import Assignment, MembershipStatus, ScoreSheet, SheetStatus
from app.jury.visits.models import MysteryVisit, VisitStatus
from app.offices.models import Application, ApplicationStatus, Office, OfficeStatus
from app.public.models import NewsPost
from app.results import blinding
from app.results import snapshot as ranking_snapshot
from app.results.models import BlindViewer
from tests.conftest import _empty_tables
from tests.factories import Factories

WCAG_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]
AXE_OPTIONS = {"runOnly": {"type": "tag", "values": WCAG_TAGS}, "resultTypes": ["violations"]}

# Demo accounts: urzad11 (Urząd Gminy Kórnik) has a draft application.
OFFICE_EMAIL = "urzad11@laurel.example"
EMAILS = {"organizer": ORGANIZER[0], "juror": JURORS[0][0], "office": OFFICE_EMAIL}


@dataclass
class Site:
    url: str
    ids: dict[str, int]


@pytest.fixture(scope="module")
def site(app, _live_server):
    """The demo edition plus lists with several rows (pending offices, invited
    jurors, assignments, conflicts, the office user's submitted applications in
    two more editions) and some audit events."""
    with app.app_context():
        _empty_tables()
        seed_demo()
        make = Factories(_db)
        edition = _db.session.scalar(sa.select(Edition).where(Edition.slug == EDITION_SLUG))
        organizer, juror, juror2, juror3, office_user = (
            _db.session.scalar(sa.select(User).where(User.email == email))
            for email in (ORGANIZER[0], *(j[0] for j in JURORS), OFFICE_EMAIL)
        )
        office = office_user.office
        draft = _db.session.scalar(
            sa.select(Application).where(
                Application.edition_id == edition.id, Application.office_id == office.id
            )
        )
        others = _db.session.scalars(
            sa.select(Office).where(Office.id != office.id).order_by(Office.id)
        ).all()
        for conflicted in others[1:3]:
            make.conflict(edition=edition, juror=juror, office=conflicted)
        entries = _db.session.scalars(
            sa.select(Application)
            .where(
                Application.edition_id == edition.id,
                Application.status == ApplicationStatus.submitted,
            )
            .order_by(Application.id)
        ).all()
        for entry in entries[:2]:
            for member in (juror2, juror3):
                make.assignment(application=entry, juror=member)
        for _ in range(2):
            make.juror(edition=edition, status=MembershipStatus.invited)
            make.office(status=OfficeStatus.pending)
        previous = make.edition(name="Przyjazny Urząd — edycja próbna", status=EditionStatus.stage1)
        make.membership(edition=previous, user=juror, status=MembershipStatus.invited)
        submitted = make.application(
            edition=previous, office=office, status=ApplicationStatus.submitted
        )
        older = make.edition(
            name="Przyjazny Urząd — edycja pilotażowa", status=EditionStatus.stage2
        )
        make.application(edition=older, office=office, status=ApplicationStatus.submitted)
        other = others[0]
        audit.record(
            "edition.update",
            actor=organizer,
            obj=edition,
            edition_id=edition.id,
            before={"gala_place": "Warszawa"},
            after={"gala_place": "Zamek Królewski"},
        )
        audit.record("office.approve", actor=organizer, obj=other)
        chapter = _chapter_edition(make, organizer)
        # A blinded chapter, decided, seen by the organizer in the blinded view.
        blinded = _chapter_edition(
            make, organizer, name="Przyjazny Urząd — kapituła zaślepiona", offices="Urząd Miasta"
        )
        blinded.blind_chapter = True
        blinding.assign_codes(blinded)
        _db.session.add(BlindViewer(edition_id=blinded.id, user_id=organizer.id))
        # The demo's past edition: two of its awards have a diploma, so the
        # results page shows verification links.
        past = _db.session.scalar(sa.select(Edition).where(Edition.slug == PAST_SLUG))
        for n, award in enumerate(
            _db.session.scalars(sa.select(Award).filter_by(edition_id=past.id).limit(2))
        ):
            _db.session.add(
                Diploma(
                    award_id=award.id,
                    application_id=award.application_id,
                    verification_code=f"demo-verification-code-{n:04d}",
                )
            )
        _db.session.commit()
        diploma = _diploma_and_batch(app, chapter, organizer)
        pilot = _db.session.scalar(sa.select(Edition).where(Edition.slug == PILOT_SLUG))
        news = _db.session.scalar(sa.select(NewsPost).where(NewsPost.slug == NEWS_SLUG))

        def juror_assignment(stage, status):
            return _db.session.scalar(
                sa.select(Assignment.id)
                .join(Application, Application.id == Assignment.application_id)
                .join(ScoreSheet, ScoreSheet.assignment_id == Assignment.id)
                .where(
                    Application.edition_id == pilot.id,
                    Assignment.juror_id == juror.id,
                    Assignment.stage == stage,
                    ScoreSheet.status == status,
                )
                .order_by(Assignment.id)
                .limit(1)
            )

        planned = _db.session.scalar(
            sa.select(MysteryVisit.id)
            .join(Application, Application.id == MysteryVisit.application_id)
            .where(Application.edition_id == pilot.id, MysteryVisit.visitor_id == juror.id)
            .where(MysteryVisit.status == VisitStatus.planned)
        )
        submitted_visit = _db.session.scalar(
            sa.select(MysteryVisit.id)
            .join(Application, Application.id == MysteryVisit.application_id)
            .where(Application.edition_id == pilot.id, MysteryVisit.visitor_id == juror.id)
            .where(MysteryVisit.status == VisitStatus.submitted)
        )
        from app.jury.consensus.models import Consensus, ConsensusStatus

        def review(status):
            return _db.session.scalar(
                sa.select(Consensus.id)
                .join(Application, Application.id == Consensus.application_id)
                .join(Assignment, Assignment.application_id == Application.id)
                .where(Application.edition_id == pilot.id, Consensus.status == status)
                .where(Assignment.juror_id == juror.id, Assignment.stage == 1)
                .order_by(Consensus.id)
                .limit(1)
            )

        ids = {
            "consensus_open": review(ConsensusStatus.open),
            "consensus_final": review(ConsensusStatus.final),
            "pilot": pilot.id,
            "planned_visit": planned,
            "submitted_visit": submitted_visit,
            "stage2_entry": _db.session.scalar(
                sa.select(Assignment.application_id).where(
                    Assignment.id == juror_assignment(2, SheetStatus.draft)
                )
            ),
            "locked": juror_assignment(1, SheetStatus.locked),
            "stage2_draft": juror_assignment(2, SheetStatus.draft),
            "edition": edition.id,
            "chapter": chapter.id,
            "chapter_category": chapter.categories[0].id,
            "blinded": blinded.id,
            "blinded_category": blinded.categories[0].id,
            "office": other.id,
            "draft": draft.id,
            "submitted": submitted.id,
            "previous": previous.id,
            # The public site: the demo's gala post and its first photo.
            "news": NEWS_SLUG,
            "news_id": news.id,
            "photo": news.photos[0].id,
            "edition_slug": EDITION_SLUG,
            "pilot_slug": PILOT_SLUG,
            "past_slug": PAST_SLUG,
            # Diplomas (issue 14): a diploma of the chapter's edition and its code.
            "chapter_diploma": diploma.id,
            "diploma_code": diploma.verification_code,
        }
        _db.session.remove()
    yield Site(url=_live_server.url, ids=ids)
    with app.app_context():
        _empty_tables()
        _db.session.remove()


def _chapter_edition(make, organizer, name="Przyjazny Urząd — kapituła", offices="Urząd Gminy"):
    """An edition in the chapter's deliberation: four ranked entries, one not
    ranked, a special award, a laureate, a distinction that departs from the
    ranking (with its reason), and a second, empty category withheld."""
    edition = make.edition(name=name, status=EditionStatus.stage2, areas=0, categories=2)
    edition.score_mode = ScoreMode.raw
    area = make.area(edition=edition, name="Obsługa klienta")
    c1 = make.criterion(area=area, stage=1, max_score=100, name="Karta usług")
    c2 = make.criterion(area=area, stage=2, max_score=100, name="Wizyta kontrolna")
    juror = make.juror(edition=edition, full_name="Jan Sędzia")
    entries = []
    for name, value in (("Alfa", 90), ("Beta", 80), ("Gamma", 70), ("Delta", 60), ("Epsilon", 0)):
        entry = make.application(
            edition=edition,
            office=make.office(name=f"{offices} {name}"),
            status=ApplicationStatus.qualified,
        )
        sheet = make.sheet(application=entry, juror=juror, stage=1, values={c1: value or 40})
        sheet.scores[0].strengths = "Aktualna karta usług w BIP."
        if value:
            make.sheet(application=entry, juror=juror, stage=2, values={c2: value})
            make.visit(application=entry)
        entries.append(entry)
    special = SpecialAward(edition_id=edition.id, name="Urząd innowacyjny", description="Statuetka")
    _db.session.add(special)
    _db.session.flush()
    advance_phase(edition, actor=organizer, expected=EditionStatus.stage2)
    snapshot_id = ranking_snapshot.current(edition).id
    for entry, kind, reason in (
        (entries[0], AwardKind.laureate, ""),
        (entries[2], AwardKind.distinction, "Najlepsza obsługa cyfrowa w kategorii."),
    ):
        _db.session.add(
            Award(
                edition_id=edition.id,
                application_id=entry.id,
                category_id=entry.category_id,
                kind=kind,
                justification="Wzorowa obsługa mieszkańców.",
                departure_reason=reason,
                snapshot_id=snapshot_id,
            )
        )
    _db.session.add(
        Award(
            edition_id=edition.id,
            application_id=entries[4].id,
            category_id=entries[4].category_id,
            kind=AwardKind.special,
            special_award_id=special.id,
            justification="Pierwsze e-doręczenia w powiecie.",
            snapshot_id=snapshot_id,
        )
    )
    _db.session.add(
        WithheldAward(
            edition_id=edition.id, category_id=edition.categories[1].id, reason="Brak zgłoszeń."
        )
    )
    return edition


def _diploma_and_batch(app, edition, organizer):
    """The laureate's diploma, and a batch job still running (its progress bar)."""
    from app.awards import diplomas
    from app.jobs_models import JobRun, JobStatus

    laureate = _db.session.scalar(
        sa.select(Award).where(Award.edition_id == edition.id, Award.kind == AwardKind.laureate)
    )
    with app.test_request_context("/"):
        design = diplomas.design_of(edition)
        diploma = diplomas.generate_diploma(
            diplomas.subject_of_award(laureate, design), actor=organizer
        )
    _db.session.add(
        JobRun(
            kind="diplomas",
            edition_id=edition.id,
            status=JobStatus.running,
            done=2,
            total=5,
            details={},
        )
    )
    _db.session.commit()
    return diploma


@pytest.fixture(scope="module")
def tabs(browser, browser_context_args, site):
    """One browser tab per role, signed in once through the login form."""
    opened = {}

    def get(role):
        if role not in opened:
            context = browser.new_context(**browser_context_args)
            page = context.new_page()
            if role != "anonymous":
                page.goto(site.url + "/account/login")
                page.get_by_label("E-mail").fill(EMAILS[role])
                page.get_by_label("Hasło").fill(DEMO_PASSWORD)
                page.get_by_role("button", name="Zaloguj się").click()
                expect(page.get_by_role("button", name="Wyloguj się")).to_be_visible()
            opened[role] = page
        page = opened[role]
        page.set_viewport_size(DESKTOP)
        return page

    yield get
    for page in opened.values():
        page.context.close()


def _submit_incomplete_sheet(page):
    page.get_by_label("Ocena").first.fill("")
    page.get_by_role("button", name="Wyślij kartę").click()
    expect(page.locator("#error-summary")).to_be_visible()


def _submit_empty_registration(page):
    page.get_by_role("button", name="Zarejestruj urząd").click()
    expect(page.locator("#error-summary")).to_be_focused()


def _login_without_anything(page):
    page.get_by_role("button", name="Zaloguj się").click()
    expect(page.locator("#error-summary")).to_be_focused()


def _departure_without_reason(page):
    page.get_by_label("Zgłoszenie").first.select_option(label="4. Urząd Gminy Delta")
    page.get_by_label("Laureat", exact=True).check()
    page.get_by_label("Uzasadnienie").first.fill("Najlepsza obsługa osób starszych.")
    page.get_by_role("button", name="Zapisz nagrodę").click()
    expect(page.locator("#award-departure_reason-error")).to_be_visible()


def _questionnaire_out_of_range(page):
    page.get_by_label("Liczba stanowisk obsługi bezpośredniej (front office)").fill("9999")
    page.get_by_role("button", name="Zapisz wersję roboczą").click()
    expect(page.locator("[aria-invalid=true]").first).to_be_visible()


DESKTOP = {"width": 1280, "height": 720}
NARROW = {"width": 320, "height": 640}
E = "/organizer/editions/{edition}"
PAGES = [
    ("anonymous", "/", None),
    ("anonymous", "/account/login", None),
    ("anonymous", "/account/login", _login_without_anything),
    ("anonymous", "/account/forgot", None),
    ("anonymous", "/office/register", None),
    ("anonymous", "/office/register", _submit_empty_registration),
    ("organizer", "/organizer/editions/", None),
    ("organizer", E + "/", None),
    ("organizer", E + "/settings", None),
    ("organizer", E + "/phases", None),
    ("organizer", E + "/categories", None),
    ("organizer", E + "/criteria", None),
    ("organizer", E + "/criteria/new", None),
    ("organizer", E + "/applications", None),
    ("organizer", E + "/assignments", None),
    ("organizer", E + "/jurors", None),
    ("organizer", "/organizer/offices/", None),
    ("organizer", "/organizer/offices/{office}", None),
    ("organizer", "/organizer/offices/import", None),
    ("organizer", "/organizer/offices/pending", None),
    ("organizer", "/organizer/audit/", None),
    ("organizer", "/organizer/editions/{chapter}/chapter", None),
    ("organizer", "/organizer/editions/{chapter}/chapter/categories/{chapter_category}", None),
    (
        "organizer",
        "/organizer/editions/{chapter}/chapter/categories/{chapter_category}",
        _departure_without_reason,
    ),
    ("organizer", "/organizer/editions/{chapter}/special-awards", None),
    ("organizer", "/organizer/editions/{chapter}/results", None),
    # A blinded chapter (issue 17): codes, the switch and the reveal.
    ("organizer", "/organizer/editions/{blinded}/chapter", None),
    ("organizer", "/organizer/editions/{blinded}/chapter/categories/{blinded_category}", None),
    ("organizer", "/organizer/editions/{blinded}/ranking", None),
    ("organizer", "/organizer/editions/{blinded}/results", None),
    ("organizer", "/organizer/editions/{chapter}/diplomas", None),
    ("organizer", "/organizer/editions/{chapter}/diplomas/design", None),
    ("organizer", "/organizer/editions/{chapter}/diplomas/{chapter_diploma}/revoke", None),
    ("organizer", "/organizer/editions/{chapter}/feedback-reports", None),
    ("anonymous", "/verify/{diploma_code}", None),
    ("juror", "/jury/editions", None),
    ("juror", "/jury/editions/{pilot}/entries?stage=1", None),
    ("juror", "/jury/editions/{pilot}/entries", None),
    ("juror", "/assignments/{locked}", None),
    ("juror", "/assignments/{stage2_draft}", None),
    ("juror", "/assignments/{stage2_draft}", _submit_incomplete_sheet),
    ("organizer", "/organizer/editions/{pilot}/sheets?stage=2", None),
    ("organizer", "/organizer/editions/{pilot}/sheets?stage=1", None),
    ("organizer", "/organizer/editions/{pilot}/checklist", None),
    ("organizer", "/organizer/editions/{pilot}/ranking?stage=1", None),
    ("organizer", "/organizer/editions/{pilot}/ranking?stage=2&mode=raw", None),
    ("organizer", "/organizer/editions/{previous}/qualification", None),
    ("organizer", "/organizer/editions/{previous}/qualification/{submitted}", None),
    ("organizer", "/organizer/editions/{pilot}/qualification", None),
    ("organizer", "/organizer/editions/{pilot}/ranking", None),
    ("organizer", "/organizer/editions/{pilot}/agreement?stage=1", None),
    ("organizer", "/organizer/editions/{pilot}/agreement?stage=2", None),
    ("organizer", "/organizer/editions/{pilot}/exports", None),
    ("organizer", "/organizer/editions/{pilot}/visits", None),
    ("organizer", "/organizer/editions/{pilot}/consensus?stage=1", None),
    ("organizer", "/consensus/{consensus_open}", None),
    ("juror", "/consensus/{consensus_open}", None),
    ("juror", "/consensus/{consensus_final}", None),
    ("juror", "/jury/editions/{pilot}/visits", None),
    ("juror", "/jury/visits/{planned_visit}", None),
    ("juror", "/jury/visits/{submitted_visit}", None),
    ("juror", "/jury/applications/{stage2_entry}/findings", None),
    ("juror", "/jury/editions/{edition}/conflicts?office_id={office}", None),
    ("juror", "/jury/editions/{edition}/entries", None),
    ("office", "/office/", None),
    ("office", "/office/applications/{draft}", None),
    ("office", "/office/applications/{draft}", _questionnaire_out_of_range),
    ("office", "/office/applications/{draft}/submit", None),
    ("office", "/applications/{submitted}", None),
    ("office", "/account/", None),
    # The public site (issue 15).
    ("anonymous", "/news/", None),
    ("anonymous", "/news/?edition={pilot_slug}", None),
    ("anonymous", "/news/{news}", None),
    ("anonymous", "/news/{news}/photos/{photo}", None),
    ("anonymous", "/editions/{edition_slug}/apply-info", None),
    ("anonymous", "/editions/{edition_slug}/rules", None),
    ("anonymous", "/accessibility", None),
    ("anonymous", "/privacy", None),
    ("anonymous", "/results/", None),
    ("anonymous", "/results/{past_slug}", None),
    ("office", "/", None),
    ("organizer", "/organizer/news/", None),
    ("organizer", "/organizer/news/new", None),
    ("organizer", "/organizer/news/{news_id}", None),
    ("organizer", "/organizer/site/accessibility", None),
    ("organizer", "/organizer/editions/{edition}/rules", None),
]


def _page_id(case):
    role, url, action = case
    return f"{role}:{url}" + (f"+{action.__name__.lstrip('_')}" if action else "")


def _axe(page) -> list[dict]:
    return Axe().run(page, options=AXE_OPTIONS).response["violations"]


# WCAG 2.4.4 (link purpose) and 2.4.6: in the main content, links and buttons
# with the same accessible name must do the same thing ("Edit" beside every row
# needs the row's name, as in aria-label="Edit: <name>").
AMBIGUOUS_CONTROLS = """() => {
  const targets = new Map();
  for (const e of document.querySelectorAll('main a[href], main button')) {
    const name = (e.getAttribute('aria-label') || e.textContent).replace(/\\s+/g, ' ').trim();
    const target = e.tagName === 'A' ? e.href : e.form.action + ' '
      + [...e.form.querySelectorAll('input[type=hidden]:not([name=csrf_token])')]
          .map(i => i.name + '=' + i.value).join('&');
    if (!targets.has(name)) targets.set(name, new Set());
    targets.get(name).add(target);
  }
  return [...targets].filter(([, t]) => t.size > 1).map(([name, t]) => name + ' (' + t.size + ' targets)');
}"""


def _report(violations) -> str:
    lines = []
    for v in violations:
        lines.append(f"{v['id']} ({v['impact']}): {v['help']}  <{v['helpUrl']}>")
        for node in v["nodes"]:
            lines.append(f"    {' '.join(map(str, node['target']))}")
    return "\n".join(lines)


@pytest.mark.parametrize("case", PAGES, ids=[_page_id(c) for c in PAGES])
def test_page_has_no_wcag_violations(case, site, tabs):
    role, url, action = case
    page = tabs(role)
    response = page.goto(site.url + url.format(**site.ids))
    assert response.ok, f"{url}: HTTP {response.status}"
    if action:
        action(page)
    violations = _axe(page)
    ambiguous = page.evaluate(AMBIGUOUS_CONTROLS)
    page.set_viewport_size(NARROW)
    narrow = _axe(page)
    page_width = page.evaluate("document.documentElement.scrollWidth")
    assert not violations, f"{page.url}\n{_report(violations)}"
    assert not ambiguous, f"{page.url}: same name, different action: {ambiguous}"
    assert not narrow, f"{page.url} at {NARROW['width']} px\n{_report(narrow)}"
    assert page_width <= NARROW["width"], f"{page.url} is {page_width} px wide at 320 px"


# In document order: every question field (one stop per yes/no group), then Save.
QUESTIONNAIRE_STOPS = """() => {
  const form = document.querySelector('form:has(fieldset.area)');
  const seen = new Set();
  return [...form.querySelectorAll('input, textarea, select, button')]
    .filter(e => e.type !== 'hidden' && !e.disabled)
    .filter(e => e.type !== 'radio' || (!seen.has(e.name) && seen.add(e.name)))
    .map(e => e.type === 'radio' ? 'radio:' + e.name : e.id);
}"""

FOCUSED = """() => {
  const e = document.activeElement;
  const form = document.querySelector('form:has(fieldset.area)');
  const style = getComputedStyle(e);
  return {
    key: !form.contains(e) ? null : e.type === 'radio' ? 'radio:' + e.name : e.id,
    label: e.textContent.trim() || e.id,
    visible: e.matches(':focus-visible') && style.outlineStyle !== 'none'
             && parseFloat(style.outlineWidth) >= 2,
  };
}"""


def test_questionnaire_keyboard_order_and_visible_focus(site, tabs):
    page = tabs("office")
    page.goto(site.url + "/office/applications/{draft}".format(**site.ids))
    expected = page.evaluate(QUESTIONNAIRE_STOPS)
    assert len(expected) > 5 and expected[-1] == "save"
    reached, unfocused = [], []
    for _ in range(len(expected) + 30):
        page.keyboard.press("Tab")
        focused = page.evaluate(FOCUSED)
        if not focused["visible"]:
            unfocused.append(focused["label"])
        if focused["key"] is not None:
            reached.append(focused["key"])
            if focused["key"] == "save":
                break
    assert reached == expected
    assert not unfocused, f"no visible focus indicator on: {unfocused}"
