"""The organizer's writes: posts, scheduling, photos (EXIF removed,
thumbnails), site pages and rules attachments."""

from __future__ import annotations

import datetime as dt
import io

import pytest
import sqlalchemy as sa
from PIL import Image

from app.audit.models import AuditEvent
from app.errors import LaurelError
from app.public import photos, reads, services
from app.public.models import MAX_PHOTOS_PER_POST, NewsPost, Photo, PostStatus, SitePage
from app.timeutil import utcnow
from tests.public.conftest import GPS_TAG, jpeg_with_exif, upload

pytestmark = pytest.mark.usefixtures("request_ctx")


def test_slugs_from_polish_titles_are_unique(db, make_post):
    assert (
        services.slugify("Gala w Jabłonnie — ŻÓŁĆ i „cudzysłów”!")
        == "gala-w-jablonnie-zolc-i-cudzyslow"
    )
    assert services.slugify("!!!") == "wpis"
    first = make_post("Gala w Jabłonnie")
    second = make_post("Gala w Jabłonnie")
    third = make_post("Gala w Jabłonnie")
    assert [first.slug, second.slug, third.slug] == [
        "gala-w-jablonnie",
        "gala-w-jablonnie-2",
        "gala-w-jablonnie-3",
    ]


def test_a_chosen_slug_must_be_free(db, make_post, organizer):
    make_post("Pierwszy")
    with pytest.raises(LaurelError):
        services.create_post(actor=organizer, data=services.PostData(title="X", slug="pierwszy"))


def test_a_new_post_is_a_draft_entered_by_its_author(db, organizer):
    post = services.create_post(
        actor=organizer, data=services.PostData(title="  Tytuł ", byline="Anna Kowalska")
    )
    assert post.status is PostStatus.draft and post.published_at is None
    assert post.entered_by_id == organizer.id and post.byline == "Anna Kowalska"
    assert post.title == "Tytuł" and not post.is_public()
    assert db.session.scalar(sa.select(AuditEvent.action)) == "news.created"


def test_publish_now_later_and_back_dated(db, make_post, organizer):
    now_post = make_post("Teraz", published=False)
    services.publish_post(now_post, actor=organizer)
    assert now_post.is_public() and now_post.published_at <= utcnow()

    later = make_post("Później", published=False, at=utcnow() + dt.timedelta(days=2))
    services.publish_post(later, actor=organizer)
    assert later.status is PostStatus.published and later.is_scheduled and not later.is_public()
    assert later not in reads.latest_posts(10)

    past = make_post("Relacja z gali", published=False, at=dt.datetime(2025, 6, 21, 8))
    services.publish_post(past, actor=organizer)
    assert past.is_public() and past.published_at == dt.datetime(2025, 6, 21, 8)
    # Newest first; the scheduled one is not there until its time.
    assert [p.title for p in reads.latest_posts(10)] == ["Teraz", "Relacja z gali"]
    assert reads.latest_posts(10, now=utcnow() + dt.timedelta(days=3))[0].title == "Później"
    assert reads.next_scheduled_at() == later.published_at


def test_unpublish_takes_a_post_off_the_site(db, make_post, organizer):
    post = make_post()
    services.unpublish_post(post, actor=organizer)
    assert post.status is PostStatus.draft and not post.is_public()
    assert reads.latest_posts() == []


def test_editing_records_the_update_time(db, make_post, organizer):
    post = make_post()
    services.update_post(
        post, actor=organizer, data=services.PostData(title="Nowy tytuł", body="Nowa treść")
    )
    assert post.title == "Nowy tytuł" and post.body_html == "<p>Nowa treść</p>"
    assert post.updated_at is not None and post.is_public()
    assert post.slug == "gala-w-jablonnie"  # the address does not move when the title changes


def test_only_organizers_publish(db, make_post, make):
    post = make_post(published=False)
    with pytest.raises(LaurelError):
        services.publish_post(post, actor=make.juror())


# ---- photos ------------------------------------------------------------------------


def test_a_photo_loses_its_exif_and_gets_a_thumbnail(db, make_post, organizer):
    original = jpeg_with_exif()
    with Image.open(io.BytesIO(original)) as img:
        assert img.getexif().get_ifd(GPS_TAG)  # the test photo does carry a position
    post = make_post(published=False)
    photo = services.add_photo(
        post, actor=organizer, upload=upload(original), alt_text=" Scena ", credit="fot. Jan Nowak"
    )
    assert (
        photo.alt_text == "Scena" and photo.credit == "Jan Nowak"
    )  # "fot." is printed by the page
    stored = photos.photo_path(photo.stored_name).read_bytes()
    thumb = photos.photo_path(photo.thumb_name).read_bytes()
    for data in (stored, thumb):
        assert b"Laurel Test Camera" not in data and b"Exif" not in data
        with Image.open(io.BytesIO(data)) as img:
            assert not img.getexif() and img.format == "JPEG"
    with Image.open(io.BytesIO(thumb)) as img:
        assert img.size == (photo.thumb_width, photo.thumb_height) == (640, 480)
    assert (photo.width, photo.height) == (1600, 1200) and photo.size_bytes == len(stored)
    assert photo.stored_name != "zdjecie.jpg" and photo.original_name == "zdjecie.jpg"


def test_a_png_stays_a_png(db, make_post, organizer):
    out = io.BytesIO()
    Image.new("RGBA", (300, 200), (0, 0, 0, 0)).save(out, "PNG")
    photo = services.add_photo(
        make_post(), actor=organizer, upload=upload(out.getvalue(), "logo.png"), alt_text="Logo"
    )
    assert photo.content_type == "image/png" and photo.thumb_name.endswith(".png")


@pytest.mark.parametrize(
    ("data", "name"),
    [
        (b"%PDF-1.4 not a picture", "zdjecie.jpg"),
        (b"MZ\x90\x00 an executable", "zdjecie.jpg"),
        (b"\xff\xd8\xff\xe0 broken jpeg", "zdjecie.jpg"),
        (b"", "zdjecie.jpg"),
    ],
    ids=["pdf", "exe", "broken", "empty"],
)
def test_a_file_that_is_not_a_picture_is_refused(db, make_post, organizer, data, name):
    post = make_post()
    with pytest.raises(LaurelError):
        services.add_photo(post, actor=organizer, upload=upload(data, name), alt_text="X")
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Photo)) == 0
    assert not list(photos.news_dir().glob("*.part"))


def test_alt_text_is_required(db, make_post, organizer):
    with pytest.raises(LaurelError):
        services.add_photo(
            make_post(), actor=organizer, upload=upload(jpeg_with_exif()), alt_text="  "
        )


def test_the_gallery_has_a_limit(db, make_post, organizer, monkeypatch):
    monkeypatch.setattr(services, "MAX_PHOTOS_PER_POST", 1)
    post = make_post(photos=1)
    assert MAX_PHOTOS_PER_POST > 1
    with pytest.raises(LaurelError):
        services.add_photo(post, actor=organizer, upload=upload(jpeg_with_exif()), alt_text="X")


def test_photos_move_and_delete(db, make_post, organizer):
    post = make_post(photos=3)
    first, second, third = post.photos
    services.move_photo(third, actor=organizer, step=-1)
    db.session.refresh(post)
    assert [p.id for p in post.photos] == [first.id, third.id, second.id]
    services.move_photo(first, actor=organizer, step=-1)  # already first: nothing happens
    names = services.delete_photo(third, actor=organizer)
    db.session.commit()
    photos.remove(*names)
    db.session.refresh(post)
    assert [(p.id, p.position) for p in post.photos] == [(first.id, 0), (second.id, 1)]
    assert not photos.photo_path(names[0]).exists() and not photos.photo_path(names[1]).exists()


def test_deleting_a_post_removes_its_photos_and_views(db, make_post, organizer):
    from app.public import counter

    post = make_post(photos=2)
    counter.record_view(post.id, "a" * 64, dt.date(2027, 1, 1))
    names = services.delete_post(post, actor=organizer)
    db.session.commit()
    photos.remove(*names)
    assert len(names) == 4 and not any(photos.photo_path(n).exists() for n in names)
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Photo)) == 0
    assert db.session.get(NewsPost, post.id) is None


# ---- site pages and rules ------------------------------------------------------------


def test_site_pages_are_saved_sanitised_and_reset(db, organizer):
    page = services.save_site_page(
        "accessibility", actor=organizer, body_pl="<p>Deklaracja</p><script>x</script>", body_en=""
    )
    assert page.body_pl == "<p>Deklaracja</p>" and page.updated_by_id == organizer.id
    services.reset_site_page("accessibility", actor=organizer)
    assert db.session.scalar(sa.select(SitePage)) is None


def test_rules_attachments_are_sniffed_and_stored(db, make, organizer):
    from app.offices import uploads

    edition = make.edition()
    pdf = b"%PDF-1.4\n%%EOF\n"
    attachment = services.add_rules_attachment(
        edition, actor=organizer, upload=upload(pdf, "regulamin.pdf"), title="Regulamin"
    )
    assert attachment.content_type == "application/pdf"
    assert uploads.document_path(attachment.stored_name).read_bytes() == pdf
    with pytest.raises(LaurelError):
        services.add_rules_attachment(
            edition, actor=organizer, upload=upload(b"MZ\x90", "regulamin.pdf"), title="Zły"
        )
    with pytest.raises(LaurelError):
        services.add_rules_attachment(
            edition, actor=organizer, upload=upload(pdf, "regulamin.pdf"), title=" "
        )
    name = services.delete_rules_attachment(attachment, actor=organizer)
    assert name == attachment.stored_name
