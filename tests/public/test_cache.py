"""Cached public pages: a fixed number of queries, emptied on every write of
what they show, and a view counter that still counts on a cached page."""

from __future__ import annotations

import datetime as dt

import pytest
import sqlalchemy as sa

from app.public import cache, services
from app.public.models import PublicCacheState
from app.timeutil import utcnow

BROWSER = "Mozilla/5.0 (X11; Linux x86_64) Chrome/156.0"


def _get(client, url, address="198.51.100.1"):
    return client.get(url, headers={"User-Agent": BROWSER}, environ_base={"REMOTE_ADDR": address})


def _pg(db) -> int:
    """PostgreSQL runs one statement more to count a view (asynchronous commit)."""
    return int(db.engine.dialect.name == "postgresql")


def _build(make, make_post, size):
    edition = make.edition(categories=size)
    for n in range(size):
        make_post(
            f"Wpis {size}-{n}", photos=2, edition=edition, at=utcnow() - dt.timedelta(hours=n + 1)
        )
    return edition


@pytest.mark.parametrize(
    "url", ["/", "/news/", "/news/?edition={edition}", "/news/{post}", "/news/feed.atom"]
)
def test_public_pages_run_a_fixed_number_of_queries(
    client, db, make, make_post, queries, request_ctx, url
):
    counts = {}
    for size in (1, 6):
        edition = _build(make, make_post, size)
        db.session.commit()
        target = url.format(edition=edition.slug, post=f"wpis-{size}-0")
        with queries() as cold:
            assert _get(client, target, f"198.51.100.{size}").status_code == 200
        with queries() as warm:
            assert _get(client, target, f"198.51.101.{size}").status_code == 200
        counts[size] = (len(cold), len(warm))
    assert counts[1] == counts[6], counts
    cold, warm = counts[1]
    # A cached page reads the cache token, and a post counts its view (insert + count,
    # on PostgreSQL after making the commit asynchronous).
    assert warm == (3 + _pg(db) if url == "/news/{post}" else 1), warm
    assert cold <= 8


def test_the_pinned_numbers(client, db, make_post, queries, request_ctx):
    slug = make_post(photos=2).slug
    with queries() as home:
        _get(client, "/")
    with queries() as listing:
        _get(client, "/news/")
    with queries() as cold:
        _get(client, f"/news/{slug}")
    with queries() as warm:
        _get(client, f"/news/{slug}", "198.51.100.9")
    # home: token, edition (+ categories), posts (+ photos), next scheduled
    # list: token, editions, count, posts (+ photos), next scheduled
    # post: token, post, photos, view insert, count; from the cache: token, insert, count
    assert (len(home), len(listing), len(cold), len(warm)) == (5, 6, 5 + _pg(db), 3 + _pg(db)), (
        home.statements,
        listing.statements,
        cold.statements,
        warm.statements,
    )


def test_a_cached_post_still_counts_every_visitor(client, db, make_post, queries, request_ctx):
    slug = make_post().slug
    _get(client, f"/news/{slug}", "198.51.100.1")
    with queries() as second:
        page = _get(client, f"/news/{slug}", "198.51.100.2").get_data(as_text=True)
    assert not any("FROM news_post" in s for s in second.statements)  # served from the cache
    assert "Liczba wyświetleń: <strong>2</strong>" in page
    page = _get(client, f"/news/{slug}", "198.51.100.2").get_data(as_text=True)
    assert "Liczba wyświetleń: <strong>2</strong>" in page


def test_publishing_editing_and_withdrawing_empty_the_cache(
    client, db, make_post, organizer, request_ctx
):
    post = make_post("Pierwszy")
    assert "Pierwszy" in _get(client, "/").get_data(as_text=True)
    assert "Pierwszy" in _get(client, f"/news/{post.slug}").get_data(as_text=True)

    second = make_post("Drugi")  # a new post is published
    assert "Drugi" in _get(client, "/").get_data(as_text=True)
    assert "Drugi" in _get(client, "/news/").get_data(as_text=True)

    services.update_post(
        post, actor=organizer, data=services.PostData(title="Poprawiony", body="Nowy tekst")
    )
    db.session.commit()
    page = _get(client, f"/news/{post.slug}").get_data(as_text=True)
    assert "Poprawiony" in page and "Nowy tekst" in page
    assert "Poprawiony" in _get(client, "/news/").get_data(as_text=True)

    services.unpublish_post(second, actor=organizer)
    db.session.commit()
    assert _get(client, f"/news/{second.slug}").status_code == 404
    assert "Drugi" not in _get(client, "/").get_data(as_text=True)


def test_editions_change_the_home_page_too(client, db, make, request_ctx):
    edition = make.edition(name="Edycja przed zmianą")
    db.session.commit()
    assert "Edycja przed zmianą" in _get(client, "/").get_data(as_text=True)
    edition.name = "Edycja po zmianie"
    db.session.commit()
    assert "Edycja po zmianie" in _get(client, "/").get_data(as_text=True)


def test_a_failed_write_keeps_the_cache(db, make, request_ctx):
    make.edition()
    db.session.commit()
    token = cache.current_token()
    edition = make.edition()
    edition.name = "Wycofana zmiana"
    db.session.flush()
    assert cache.current_token() != token  # in the transaction
    db.session.rollback()
    assert cache.current_token() == token


def test_reads_and_unwatched_writes_keep_the_token(db, make, make_post, request_ctx):
    make_post()
    db.session.commit()
    token = cache.current_token()
    make.office_user()  # offices are watched (results name them); users are not
    token_after_office = cache.current_token()
    assert token_after_office != token
    make.user()
    assert cache.current_token() == token_after_office
    assert db.session.scalar(sa.select(sa.func.count()).select_from(PublicCacheState)) == 1


def test_each_language_has_its_own_copy(client, db, make_post, request_ctx):
    make_post()
    assert "Najnowsze aktualności" in _get(client, "/").get_data(as_text=True)
    client.get("/language/en")
    assert "Latest news" in _get(client, "/").get_data(as_text=True)


def test_signed_in_users_are_not_served_the_cache(
    client, db, login_as, make, make_post, request_ctx
):
    make.edition()
    make_post()
    assert "Zarejestruj urząd" in _get(client, "/").get_data(as_text=True)
    login_as("office")
    html = _get(client, "/").get_data(as_text=True)
    assert "Przejdź do moich zgłoszeń" in html and "Zarejestruj urząd" not in html


def test_a_scheduled_post_ends_the_cached_lists_when_it_goes_public(
    client, db, make_post, monkeypatch, request_ctx
):
    later = make_post("Później", at=utcnow() + dt.timedelta(seconds=90))
    timeouts = []
    original = cache.cache.set
    monkeypatch.setattr(
        cache.cache,
        "set",
        lambda key, value, timeout=None: (
            timeouts.append(timeout),
            original(key, value, timeout=timeout),
        )[1],
    )
    assert "Później" not in _get(client, "/").get_data(as_text=True)
    assert "Później" not in _get(client, "/news/").get_data(as_text=True)
    assert len(timeouts) == 2 and all(85 <= t <= 91 for t in timeouts), timeouts
    assert later.is_scheduled


def test_the_flash_messages_are_not_cached(client, db, make_post, request_ctx):
    make_post()
    _get(client, "/")
    with client.session_transaction() as session:
        session["_flashes"] = [("info", "Komunikat tylko dla mnie")]
    assert "Komunikat tylko dla mnie" in _get(client, "/").get_data(as_text=True)
    assert "Komunikat tylko dla mnie" not in _get(client, "/").get_data(as_text=True)
