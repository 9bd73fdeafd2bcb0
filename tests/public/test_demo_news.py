"""The demo's first news post: the gala story with a generated gallery."""

from __future__ import annotations

import io

import sqlalchemy as sa
from PIL import Image

from app.demo import seed_demo
from app.demo.news import NEWS_SLUG
from app.public import photos
from app.public.models import NewsPost, Photo


def test_the_demo_publishes_the_gala_post_once(client, db):
    first = seed_demo()
    db.session.commit()
    assert first["news_posts"] == 1
    post = db.session.scalar(sa.select(NewsPost).where(NewsPost.slug == NEWS_SLUG))
    assert post.is_public() and post.entered_by is not None and post.byline
    text = post.title + post.lead + post.body_html
    for words in (
        "Jabłonn",
        "Polskiej Akademii Nauk",
        "Urząd Marszałkowski Województwa Mazowieckiego w Warszawie",
        "Innowacyjny urząd",
        "kategorii urzędów marszałkowskich",
        "tajemniczego klienta",
        "źródła zewnętrzne",
        "dokumenty",
    ):
        assert words in text, words
    assert len(post.photos) == 4
    assert all(p.alt_text and p.credit and p.caption for p in post.photos)
    for photo in post.photos:
        with Image.open(io.BytesIO(photos.photo_path(photo.stored_name).read_bytes())) as img:
            assert img.size == (photo.width, photo.height)
        assert photos.photo_path(photo.thumb_name).is_file()
    page = client.get(f"/news/{NEWS_SLUG}").get_data(as_text=True)
    assert "Liczba wyświetleń" in page and "fot. Anna Nowak" in page

    second = seed_demo()
    db.session.commit()
    assert second["news_posts"] == 0
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Photo)) == 4
