"""Who may use each route: the expected answer per endpoint and role.

tests/core/test_route_matrix.py walks `app.url_map` and requests every rule as
every role below, against the demo data (app/demo) plus a few rows the test
adds. A route missing from ROUTES fails the suite, and so does an entry here
whose endpoint no longer exists: adding a route means adding a line here.

Format
------
ROUTES maps an endpoint name (as `flask --app wsgi routes` prints it) to a
Route:

    "offices.application_detail": Route(APPLICATION_READERS),
    "awards.overview": Route(ORGANIZER, args={"edition_id": "past_edition_id"}),
    "offices.edit_application": Route(OWNER_OFFICE, get={"office": 302}, note="..."),

- audience: an Audience, the answer each role gets to a GET (presets below:
  PUBLIC, GUEST, SIGNED_IN, ORGANIZER, JUROR, OFFICE, OWNER_OFFICE,
  APPLICATION_READERS, ...). For a POST-only route it says who is allowed.
- get / post: per-role overrides of the audience's answer for that method.
  POSTs are only sent for refusals (roles answered LOGIN, 403 or 404), so the
  demo data is not changed; a POST gets the GET's answer (its overrides
  included) unless `post` says otherwise.
- args: which id (a key of the ids `build_world` in the test returns)
  fills a URL argument, when it is not the argument's own name.
- values: literal values for URL arguments (a static file name, a slug...).
- note: why an answer is not the obvious one (a 404 that hides existence, a
  route whose allowed case the demo data cannot reach, ...).

Roles
-----
The objects in the URLs (edition, application, assignment, sheet, visit,
finding, consensus, award, diploma...) belong to one office and one juror:

- anonymous:    not signed in
- organizer:    the demo's organizer
- office:       a user of the office that owns the objects (urzad1)
- other_office: a user of another office (urzad3)
- juror:        the juror assigned to the objects (juror1)
- other_juror:  a juror of the same edition (accepted, declaration confirmed)
                who is assigned to none of its entries

Answers
-------
200, 302 (a redirect elsewhere than the login page), 400, 403, 404, or LOGIN:
a redirect to the login page (what Flask-Login answers a signed-out user, for
GET and POST alike).
"""

from __future__ import annotations

from dataclasses import dataclass, field

LOGIN = "login"

ROLES = ("anonymous", "organizer", "office", "other_office", "juror", "other_juror")

REFUSALS = (LOGIN, 403, 404)

Audience = dict[str, object]


def audience(anonymous=LOGIN, **allowed) -> Audience:
    """Every signed-in role refused (403) unless named; anonymous as given."""
    answers: Audience = dict.fromkeys(ROLES, 403)
    answers["anonymous"] = anonymous
    answers.update(allowed)
    return answers


# Everybody, signed in or not.
PUBLIC = dict.fromkeys(ROLES, 200)
# Pages for signed-out users (login, registration): a signed-in user is sent on.
GUEST = {**dict.fromkeys(ROLES, 302), "anonymous": 200}
# Any signed-in user.
SIGNED_IN = {**dict.fromkeys(ROLES, 200), "anonymous": LOGIN}
ORGANIZER = audience(organizer=200)
# Any juror (a juror-only area); per-edition membership is checked inside.
JUROR = audience(juror=200, other_juror=200)
# Any office user (the office portal).
OFFICE = audience(office=200, other_office=200)
# Only a user of the office that owns the object.
OWNER_OFFICE = audience(office=200)
# Application.can_view: organizers, the owner office, the assigned jurors.
APPLICATION_READERS = audience(organizer=200, office=200, juror=200)
# Assignment.can_view / stage-2 evidence: organizers and the assigned juror.
ORGANIZER_OR_JUROR = audience(organizer=200, juror=200)
# A token link followed with a token that is not valid.
BAD_TOKEN_404 = dict.fromkeys(ROLES, 404)


@dataclass(frozen=True)
class Route:
    audience: Audience
    get: dict[str, object] = field(default_factory=dict)
    post: dict[str, object] = field(default_factory=dict)
    args: dict[str, str] = field(default_factory=dict)
    values: dict[str, str] = field(default_factory=dict)
    note: str = ""

    def expected(self, method: str, role: str):
        answer = {**self.audience, **self.get}.get(role)
        if method == "POST":
            answer = self.post.get(role, answer)
        return answer


PAST = {"edition_id": "past_edition_id"}
PAST_CATEGORY = PAST | {"category_id": "past_category_id"}
# POST overrides for an object whose state refuses the allowed roles too.
FINISHED = {"organizer": 403, "juror": 403}

ROUTES: dict[str, Route] = {
    # ---- accounts ---------------------------------------------------------------
    "accounts.login": Route(GUEST),
    "accounts.forgot_password": Route(PUBLIC),
    "accounts.reset_password": Route(
        GUEST, get={"anonymous": 302}, note="an invalid token: back to the reset request"
    ),
    "accounts.logout": Route(SIGNED_IN),
    "accounts.logout_everywhere": Route(SIGNED_IN),
    "accounts.profile": Route(SIGNED_IN),
    "accounts.change_password": Route(SIGNED_IN),
    # ---- the public site ------------------------------------------------------------
    "main.home": Route(PUBLIC),
    "main.healthz": Route(PUBLIC),
    "main.set_language": Route(dict.fromkeys(ROLES, 302), values={"lang": "pl"}),
    "static": Route(PUBLIC, values={"filename": "laurel.css"}),
    "public.static": Route(PUBLIC, values={"filename": "public.css"}),
    "visits.static": Route(PUBLIC, values={"filename": "visits.css"}),
    "public.accessibility": Route(PUBLIC),
    "public.privacy": Route(PUBLIC),
    "public.news": Route(PUBLIC),
    "public.feed": Route(PUBLIC),
    "public.post": Route(PUBLIC, args={"slug": "post_slug"}),
    "public.photo_page": Route(PUBLIC, args={"slug": "post_slug", "photo_id": "news_photo_id"}),
    "public.photo_image": Route(PUBLIC, args={"photo_id": "news_photo_id"}),
    "public.photo_thumbnail": Route(PUBLIC, args={"photo_id": "news_photo_id"}),
    "public.photo_download": Route(PUBLIC, args={"photo_id": "news_photo_id"}),
    "public.results_archive": Route(PUBLIC),
    "public.edition_results": Route(PUBLIC, args={"slug": "past_slug"}),
    "public.apply_info": Route(PUBLIC, args={"slug": "open_slug"}),
    "public.rules": Route(PUBLIC, args={"slug": "open_slug"}),
    "public.rules_attachment": Route(PUBLIC, args={"slug": "open_slug"}),
    # ---- the public site's administration --------------------------------------------
    "public_admin.index": Route(ORGANIZER),
    "public_admin.new_post": Route(ORGANIZER),
    "public_admin.edit_post": Route(ORGANIZER),
    "public_admin.delete_post": Route(ORGANIZER),
    "public_admin.publish_post": Route(ORGANIZER),
    "public_admin.unpublish_post": Route(ORGANIZER),
    "public_admin.add_photo": Route(ORGANIZER),
    "public_admin.update_photo": Route(ORGANIZER, args={"photo_id": "news_photo_id"}),
    "public_admin.move_photo": Route(ORGANIZER, args={"photo_id": "news_photo_id"}),
    "public_admin.delete_photo": Route(ORGANIZER, args={"photo_id": "news_photo_id"}),
    "public_admin.site_page": Route(ORGANIZER, values={"key": "privacy"}),
    "public_admin.reset_site_page": Route(ORGANIZER, values={"key": "privacy"}),
    "public_admin.rules": Route(ORGANIZER, args={"edition_id": "open_edition_id"}),
    "public_admin.add_rules_attachment": Route(ORGANIZER, args={"edition_id": "open_edition_id"}),
    "public_admin.delete_rules_attachment": Route(ORGANIZER),
    # ---- audit ------------------------------------------------------------------------
    "audit.index": Route(ORGANIZER),
    # ---- editions (organizers) ----------------------------------------------------------
    "editions.index": Route(ORGANIZER),
    "editions.create": Route(ORGANIZER),
    "editions.dashboard": Route(ORGANIZER),
    "editions.edit": Route(ORGANIZER),
    "editions.copy": Route(ORGANIZER),
    "editions.phases": Route(ORGANIZER),
    "editions.advance": Route(ORGANIZER),
    "editions.categories": Route(ORGANIZER),
    "editions.category_create": Route(ORGANIZER),
    "editions.category_edit": Route(ORGANIZER),
    "editions.category_delete": Route(ORGANIZER),
    "editions.criteria": Route(ORGANIZER),
    "editions.area_create": Route(ORGANIZER),
    "editions.area_edit": Route(ORGANIZER),
    "editions.area_delete": Route(ORGANIZER),
    "editions.criterion_create": Route(ORGANIZER),
    "editions.criterion_edit": Route(ORGANIZER),
    "editions.criterion_delete": Route(ORGANIZER),
    "editions.question_create": Route(ORGANIZER),
    "editions.question_edit": Route(ORGANIZER),
    "editions.question_delete": Route(ORGANIZER),
    # ---- offices: the organizer's office register -----------------------------------------
    "office_admin.index": Route(ORGANIZER),
    "office_admin.pending": Route(ORGANIZER),
    "office_admin.create": Route(ORGANIZER),
    "office_admin.detail": Route(ORGANIZER),
    "office_admin.edit": Route(ORGANIZER),
    "office_admin.approve": Route(ORGANIZER),
    "office_admin.reject": Route(
        ORGANIZER,
        get={"organizer": 302},
        note="the office is approved: only a pending one can be rejected, so back to its page",
    ),
    "office_admin.invite": Route(ORGANIZER),
    "office_admin.import_upload": Route(ORGANIZER),
    "office_admin.import_preview": Route(
        ORGANIZER, get={"organizer": 404}, note="an import token of nobody's: 404"
    ),
    "office_admin.accept_invitation": Route(BAD_TOKEN_404, note="an invalid invitation token"),
    # ---- offices: the office portal and shared application pages -----------------------------
    "offices.register": Route(GUEST),
    "offices.confirm_email": Route(dict.fromkeys(ROLES, 302), note="an invalid token"),
    "offices.resend_confirmation": Route(OFFICE),
    "offices.dashboard": Route(OFFICE),
    "offices.apply": Route(
        OFFICE,
        get={"office": 302, "other_office": 302},
        note="the pilot edition no longer accepts applications: back to the dashboard",
    ),
    "offices.edit_application": Route(
        OWNER_OFFICE, get={"office": 302}, note="submitted, so the owner is sent to its page"
    ),
    "offices.submit_application": Route(OWNER_OFFICE),
    "offices.upload_document": Route(OWNER_OFFICE),
    "offices.delete_document": Route(OWNER_OFFICE),
    "offices.application_detail": Route(APPLICATION_READERS),
    "offices.download_document": Route(APPLICATION_READERS),
    "offices.view_document": Route(APPLICATION_READERS),
    "offices.download_diploma": Route(
        OWNER_OFFICE | {"organizer": 200}, args={"diploma_id": "diploma_id"}
    ),
    "offices.reopen_application": Route(ORGANIZER),
    # Diplomas (issue 14) of the finished 2025 edition; the matrix's diploma
    # belongs to the office's award there.
    "diplomas.index": Route(ORGANIZER, args=PAST),
    "diplomas.design": Route(ORGANIZER, args=PAST),
    "diplomas.download_zip": Route(ORGANIZER, args=PAST),
    "diplomas.batch": Route(ORGANIZER, args=PAST),
    "diplomas.generate_for_award": Route(ORGANIZER, args=PAST | {"award_id": "award_id"}),
    "diplomas.generate_participation": Route(ORGANIZER, args=PAST),
    "diplomas.revoke": Route(ORGANIZER, args=PAST),
    "jobs.status": Route(ORGANIZER),
    # Feedback reports (issue 14 item 7) of the finished 2025 edition, where
    # the office's report is made and published.
    "feedback_reports.index": Route(ORGANIZER, args=PAST),
    "feedback_reports.settings": Route(ORGANIZER, args=PAST),
    "feedback_reports.generate": Route(ORGANIZER, args=PAST),
    "feedback_reports.publish": Route(ORGANIZER, args=PAST),
    "feedback_reports.unpublish": Route(ORGANIZER, args=PAST),
    "feedback_reports.download": Route(
        OWNER_OFFICE | {"organizer": 200}, args={"application_id": "past_application_id"}
    ),
    "verify.verify": Route(PUBLIC, values={"code": "matrix-diploma-code-0000000000000001"}),
    "offices.edition_applications": Route(ORGANIZER),
    # ---- jury: organizers ---------------------------------------------------------------
    "jury.jurors": Route(ORGANIZER),
    "jury.resend": Route(ORGANIZER),
    "jury.assignments": Route(ORGANIZER),
    "jury.add_assignment": Route(ORGANIZER),
    "jury.auto_assign": Route(ORGANIZER),
    "jury.remove_assignment": Route(ORGANIZER),
    # ---- jury: jurors ---------------------------------------------------------------------
    "jury.invitation": Route(BAD_TOKEN_404, note="an invalid invitation token"),
    "jury.my_editions": Route(JUROR),
    "jury.respond": Route(audience(juror=200), note="the juror's own membership only"),
    "jury.conflicts": Route(JUROR),
    "jury.confirm_conflicts": Route(JUROR),
    "jury.remove_conflict": Route(
        audience(),
        note="only the declaring juror (juror3, not a role here) may remove it",
    ),
    # ---- score sheets -----------------------------------------------------------------------
    "sheets.my_entries": Route(JUROR),
    "sheets.entry": Route(ORGANIZER_OR_JUROR),
    "sheets.overview": Route(ORGANIZER),
    "sheets.remind": Route(ORGANIZER),
    "sheets.extend_due": Route(ORGANIZER),
    "sheets.reopen": Route(ORGANIZER),
    # ---- consensus --------------------------------------------------------------------------
    "consensus.edition_reviews": Route(ORGANIZER),
    "consensus.review": Route(ORGANIZER_OR_JUROR),
    # The review of the entry is final: nobody drafts, answers, names a lead or closes it.
    "consensus.draft": Route(ORGANIZER_OR_JUROR, post=FINISHED),
    "consensus.respond": Route(ORGANIZER_OR_JUROR, post=FINISHED),
    "consensus.set_lead": Route(ORGANIZER, post=FINISHED),
    "consensus.close": Route(ORGANIZER, post=FINISHED),
    # ---- stage 2: visits and findings ------------------------------------------------------------
    "visits.checklist_page": Route(ORGANIZER),
    "visits.edit_item": Route(ORGANIZER),
    "visits.delete_item": Route(ORGANIZER),
    "visits.edition_visits": Route(ORGANIZER),
    "visits.cancel_visit": Route(ORGANIZER, args={"visit_id": "planned_visit_id"}),
    "visits.reopen_visit": Route(ORGANIZER),
    "visits.my_visits": Route(
        JUROR, get={"organizer": 302}, note="organizers are sent to the edition's visits"
    ),
    "visits.start_visit": Route(
        audience(juror=200), note="a juror's own report; organizers plan visits instead"
    ),
    "visits.visit": Route(ORGANIZER_OR_JUROR),
    "visits.photo": Route(ORGANIZER_OR_JUROR),
    "visits.delete_photo": Route(
        ORGANIZER_OR_JUROR, post=FINISHED, note="the visit is submitted: its photos stay"
    ),
    "visits.findings_page": Route(ORGANIZER_OR_JUROR),
    "visits.edit_finding": Route(ORGANIZER_OR_JUROR),
    "visits.delete_finding": Route(ORGANIZER_OR_JUROR),
    "visits.finding_attachment": Route(ORGANIZER_OR_JUROR),
    # ---- results ---------------------------------------------------------------------------------
    "results.ranking": Route(ORGANIZER),
    "results.agreement": Route(ORGANIZER),
    "results.exports_page": Route(ORGANIZER),
    "results.export": Route(ORGANIZER, values={"table_name": "ranking", "fmt": "csv"}),
    "results.prepare_scores_xlsx": Route(ORGANIZER),
    "results.download_prepared": Route(
        ORGANIZER,
        values={"run_id": "999999"},
        get={"organizer": 404},
        note="no scores XLSX has been prepared in the demo",
    ),
    "results.qualification_page": Route(ORGANIZER),
    # The pilot edition is in stage 2: its stage-2 list can no longer change.
    "results.qualification_override": Route(ORGANIZER, get={"organizer": 403}),
    "results.qualification_clear": Route(ORGANIZER, post={"organizer": 403}),
    "results.qualification_confirm": Route(ORGANIZER, post={"organizer": 403}),
    # No demo edition has a blinded chapter, so even the organizer is refused
    # here; tests/results/test_blinding.py and tests/awards/test_blinded_chapter.py
    # cover the allowed case.
    "results.blind_view": Route(ORGANIZER, post={"organizer": 403}, note="no blinded demo edition"),
    "results.reveal_names": Route(
        ORGANIZER, post={"organizer": 403}, note="no blinded demo edition"
    ),
    # ---- the chapter and awards ----------------------------------------------------------------------
    "awards.special_awards": Route(ORGANIZER),
    "awards.edit_special_award": Route(ORGANIZER),
    "awards.delete_special_award": Route(ORGANIZER),
    "awards.overview": Route(ORGANIZER, args=PAST),
    "awards.results": Route(ORGANIZER, args=PAST),
    "awards.category_page": Route(ORGANIZER, args=PAST_CATEGORY),
    # The past edition's results are published: the chapter's decisions are final.
    "awards.retake": Route(ORGANIZER, args=PAST, post=FINISHED),
    "awards.record_award": Route(ORGANIZER, args=PAST_CATEGORY, post=FINISHED),
    "awards.record_special": Route(ORGANIZER, args=PAST_CATEGORY, post=FINISHED),
    "awards.withhold": Route(ORGANIZER, args=PAST_CATEGORY, post=FINISHED),
    "awards.undo_withhold": Route(ORGANIZER, args=PAST_CATEGORY, post=FINISHED),
    "awards.confirm": Route(ORGANIZER, args=PAST, post=FINISHED),
    "awards.withdraw": Route(ORGANIZER, args=PAST, post=FINISHED),
}

# Where the app answers 404 rather than 403, so that a URL does not tell
# whether the object exists (test_route_matrix.py checks the edition pages).
HIDES_EXISTENCE = {
    "public.apply_info": "an edition in draft: 404 but for organizers (EditionRules.can_view)",
    "public.rules": "an edition in draft: 404 but for organizers (EditionRules.can_view)",
    "public.rules_attachment": "as its edition's rules, or a slug not its edition's",
    "public.edition_results": "results not published yet: 404 for all, as an unknown slug",
    "public.post": "a draft or scheduled post: 404 but for organizers (NewsPost.can_view)",
    "public.photo_page": "a photo of a post that is not public (Photo.can_view)",
    "public.photo_image": "a photo of a post that is not public (Photo.can_view)",
    "public.photo_thumbnail": "a photo of a post that is not public (Photo.can_view)",
    "public.photo_download": "a photo of a post that is not public (Photo.can_view)",
    "office_admin.import_preview": "another organizer's import token",
    "jury.invitation": "a token that is not valid",
    "office_admin.accept_invitation": "a token that is not valid",
}
