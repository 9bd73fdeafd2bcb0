"""The organizer's pages: who may use them, and what they do with good and
bad input."""

from __future__ import annotations

import io

import pytest
import sqlalchemy as sa

from app.public import photos
from app.public.models import NewsPost, Photo, PostStatus, RulesAttachment, SitePage
from tests.public.conftest import jpeg_with_exif


@pytest.fixture
def ids(db, make, make_post, request_ctx):
    edition = make.edition()
    post = make_post(photos=2)
    from app.public import services

    attachment = services.add_rules_attachment(
        edition,
        actor=post.entered_by,
        upload=type("U", (), {"stream": io.BytesIO(b"%PDF-1.4\n%%EOF\n"), "filename": "r.pdf"})(),
        title="Regulamin",
    )
    db.session.commit()
    return {
        "post": post.id,
        "photo": post.photos[0].id,
        "edition": edition.id,
        "attachment": attachment.id,
    }


GET_ROUTES = [
    "/organizer/news/",
    "/organizer/news/new",
    "/organizer/news/{post}",
    "/organizer/site/accessibility",
    "/organizer/site/privacy",
    "/organizer/editions/{edition}/rules",
]
POST_ROUTES = [
    "/organizer/news/new",
    "/organizer/news/{post}",
    "/organizer/news/{post}/publish",
    "/organizer/news/{post}/unpublish",
    "/organizer/news/{post}/delete",
    "/organizer/news/{post}/photos",
    "/organizer/news/photos/{photo}",
    "/organizer/news/photos/{photo}/move",
    "/organizer/news/photos/{photo}/delete",
    "/organizer/site/accessibility",
    "/organizer/site/accessibility/reset",
    "/organizer/editions/{edition}/rules",
    "/organizer/editions/{edition}/rules/attachments",
    "/organizer/rules/attachments/{attachment}/delete",
]


@pytest.mark.parametrize("role", ["anonymous", "juror", "office"])
@pytest.mark.parametrize(
    ("method", "route"),
    [("get", r) for r in GET_ROUTES] + [("post", r) for r in POST_ROUTES],
)
def test_only_organizers_may_edit_the_public_site(client, login_as, ids, db, role, method, route):
    if role != "anonymous":
        login_as(role)
    response = getattr(client, method)(route.format(**ids))
    if role == "anonymous":
        assert response.status_code == 302 and "/account/login" in response.location
    else:
        assert response.status_code == 403
    # Nothing changed.
    post = db.session.get(NewsPost, ids["post"])
    assert post is not None and post.status is PostStatus.published and len(post.photos) == 2
    assert db.session.scalar(sa.select(sa.func.count()).select_from(RulesAttachment)) == 1


@pytest.mark.parametrize("route", GET_ROUTES)
def test_organizers_open_every_editing_page(client, login_as, ids, route):
    login_as("organizer")
    assert client.get(route.format(**ids)).status_code == 200


@pytest.mark.parametrize(
    "route",
    [
        "/organizer/news/999999",
        "/organizer/news/photos/999999/delete",
        "/organizer/site/nonsense",
        "/organizer/editions/999999/rules",
        "/organizer/rules/attachments/999999/delete",
    ],
)
def test_unknown_objects_are_404(client, login_as, ids, route):
    login_as("organizer")
    method = client.post if route.endswith("delete") else client.get
    assert method(route).status_code == 404


def test_write_illustrate_and_publish_a_post(client, login_as, db):
    organizer = login_as("organizer")
    response = client.post(
        "/organizer/news/new",
        data={
            "title": "Nabór otwarty",
            "lead": "Zapraszamy urzędy.",
            "body": "<p>Treść <script>alert(1)</script></p>",
            "byline": "Anna Kowalska",
            "edition_id": "0",
            "language": "pl",
            "published_at": "",
        },
    )
    post = db.session.scalar(sa.select(NewsPost))
    assert response.status_code == 302 and response.location == f"/organizer/news/{post.id}"
    assert post.body_html == "<p>Treść </p>" and post.entered_by_id == organizer.id
    assert post.status is PostStatus.draft
    for n in range(2):
        response = client.post(
            f"/organizer/news/{post.id}/photos",
            data={
                "photo": (io.BytesIO(jpeg_with_exif()), f"foto{n}.jpg"),
                "alt_text": f"Opis {n}",
                "caption": "",
                "credit": "Jan",
            },
            content_type="multipart/form-data",
        )
        assert response.status_code == 302
    db.session.refresh(post)
    assert [p.alt_text for p in post.photos] == ["Opis 0", "Opis 1"]
    second = post.photos[1]
    client.post(f"/organizer/news/photos/{second.id}/move", data={"step": "-1"})
    client.post(
        f"/organizer/news/photos/{second.id}",
        data={
            f"photo-{second.id}-alt_text": "Nowy opis",
            f"photo-{second.id}-caption": "Podpis",
            f"photo-{second.id}-credit": "Ewa",
        },
    )
    db.session.expire_all()
    post = db.session.get(NewsPost, post.id)
    assert [p.alt_text for p in post.photos] == ["Nowy opis", "Opis 0"]
    assert "Podgląd" in client.get("/news/nabor-otwarty").get_data(as_text=True)
    client.post(f"/organizer/news/{post.id}/publish")
    db.session.expire_all()
    assert db.session.get(NewsPost, post.id).is_public()
    client.post("/account/logout")
    assert "Nowy opis" in client.get("/news/nabor-otwarty").get_data(as_text=True)


def test_bad_input_gets_a_message_not_an_error(client, login_as, db, ids):
    login_as("organizer")
    response = client.post(
        "/organizer/news/new", data={"title": "", "language": "pl", "edition_id": "0"}
    )
    assert response.status_code == 200 and "To pole jest wymagane" in response.get_data(
        as_text=True
    )
    response = client.post(
        "/organizer/news/new",
        data={"title": "X", "slug": "Zła Nazwa!", "language": "pl", "edition_id": "0"},
    )
    assert "Użyj małych liter" in response.get_data(as_text=True)
    # A picture without alternative text, a file that is not a picture, no
    # file: the page comes back with an error summary linking the field, and
    # what was typed is kept (issue 18, item 4).
    for data, field in (
        (
            {"photo": (io.BytesIO(jpeg_with_exif()), "a.jpg"), "alt_text": "", "caption": "Gala"},
            "alt_text",
        ),
        (
            {"photo": (io.BytesIO(b"%PDF-1.4"), "a.jpg"), "alt_text": "Opis", "caption": "Gala"},
            "photo",
        ),
        ({"alt_text": "Opis", "caption": "Gala"}, "photo"),
    ):
        response = client.post(
            f"/organizer/news/{ids['post']}/photos",
            data=data,
            content_type="multipart/form-data",
        )
        page = response.get_data(as_text=True)
        assert response.status_code == 422
        summary = page[page.index('class="error-summary"') :]
        assert f'href="#{field}"' in summary[: summary.index("</div>")]
        assert 'value="Gala"' in page
    # A photo's description without its alternative text: the same, in that
    # photo's own form.
    photo = db.session.scalars(sa.select(Photo).where(Photo.post_id == ids["post"])).first()
    response = client.post(
        f"/organizer/news/photos/{photo.id}",
        data={f"photo-{photo.id}-alt_text": "", f"photo-{photo.id}-caption": "Nowy podpis"},
    )
    page = response.get_data(as_text=True)
    assert response.status_code == 422
    summary = page[page.index('class="error-summary"') :]
    assert f'href="#photo-{photo.id}-alt_text"' in summary[: summary.index("</div>")]
    assert 'value="Nowy podpis"' in page
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Photo)) == 2
    assert not list(photos.news_dir().glob("*.part"))


def test_unpublish_and_delete(client, login_as, db, ids):
    login_as("organizer")
    slug = db.session.get(NewsPost, ids["post"]).slug
    names = [
        n
        for p in db.session.get(NewsPost, ids["post"]).photos
        for n in (p.stored_name, p.thumb_name)
    ]
    client.post(f"/organizer/news/{ids['post']}/unpublish")
    client.post("/account/logout")
    assert client.get(f"/news/{slug}").status_code == 404
    login_as("organizer")
    client.post(f"/organizer/news/{ids['post']}/delete")
    db.session.expire_all()
    assert db.session.get(NewsPost, ids["post"]) is None
    assert not any(photos.photo_path(n).exists() for n in names)


def test_site_page_and_rules_editing(client, login_as, db, ids):
    login_as("organizer")
    form = client.get("/organizer/site/privacy").get_data(as_text=True)
    assert "[nazwa organizatora]" in form  # the default text to start from
    client.post("/organizer/site/privacy", data={"body_pl": "<p>Nasza polityka</p>", "body_en": ""})
    assert db.session.scalar(sa.select(SitePage.body_pl)) == "<p>Nasza polityka</p>"
    response = client.post("/organizer/site/privacy", data={"body_pl": "", "body_en": "x"})
    assert response.status_code == 200 and "To pole jest wymagane" in response.get_data(
        as_text=True
    )
    client.post("/organizer/site/privacy/reset")
    assert db.session.scalar(sa.select(SitePage)) is None

    edition = ids["edition"]
    client.post(
        f"/organizer/editions/{edition}/rules", data={"body_pl": "§ 1. Zasady", "body_en": ""}
    )
    response = client.post(
        f"/organizer/editions/{edition}/rules/attachments",
        data={"title": "Formularz", "file": (io.BytesIO(b"MZ\x90\x00"), "formularz.pdf")},
        content_type="multipart/form-data",
        follow_redirects=True,
    )
    assert 'class="flash flash-error"' in response.get_data(as_text=True)
    client.post(
        f"/organizer/editions/{edition}/rules/attachments",
        data={"title": "Formularz", "file": (io.BytesIO(b"%PDF-1.4\n%%EOF"), "formularz.pdf")},
        content_type="multipart/form-data",
    )
    titles = db.session.scalars(sa.select(RulesAttachment.title).order_by(RulesAttachment.id)).all()
    assert titles == ["Regulamin", "Formularz"]
    client.post(f"/organizer/rules/attachments/{ids['attachment']}/delete")
    assert db.session.scalars(sa.select(RulesAttachment.title)).all() == ["Formularz"]
