"""The view counter: one view per visitor, post and day; bots not counted;
concurrent visits on PostgreSQL all counted without locking the post."""

from __future__ import annotations

import datetime as dt
import threading

import pytest
import sqlalchemy as sa
from sqlalchemy.orm import Session

from app.public import counter
from app.public.models import NewsView
from tests.conftest import TEST_DB_URL

BROWSER = "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/156.0 Safari/537.36"
DAY = dt.date(2027, 6, 21)


def test_two_visitors_make_two_views(db, make_post):
    post = make_post()
    assert counter.record_view(post.id, "a" * 64, DAY)
    assert counter.record_view(post.id, "b" * 64, DAY)
    assert counter.view_count(post.id) == 2


def test_one_visitor_twice_the_same_day_is_one_view(db, make_post):
    post = make_post()
    assert counter.record_view(post.id, "a" * 64, DAY) is True
    assert counter.record_view(post.id, "a" * 64, DAY) is False
    assert counter.view_count(post.id) == 1
    # ...and again the next day.
    assert counter.record_view(post.id, "a" * 64, DAY + dt.timedelta(days=1))
    assert counter.view_count(post.id) == 2


def test_views_are_counted_per_post(db, make_post):
    first, second = make_post("Pierwszy"), make_post("Drugi")
    counter.record_view(first.id, "a" * 64, DAY)
    assert counter.view_count(first.id) == 1 and counter.view_count(second.id) == 0


def test_the_visitor_hash_keeps_no_address_and_changes_daily(app, db):
    with app.test_request_context():
        today = counter.visitor_hash("203.0.113.7", BROWSER, DAY)
        assert today == counter.visitor_hash("203.0.113.7", BROWSER, DAY)
        assert today != counter.visitor_hash("203.0.113.7", BROWSER, DAY + dt.timedelta(days=1))
        assert today != counter.visitor_hash("203.0.113.8", BROWSER, DAY)
        assert today != counter.visitor_hash("203.0.113.7", BROWSER + " Firefox", DAY)
        assert "203.0.113.7" not in today and len(today) == 64


@pytest.mark.parametrize(
    "agent",
    [
        "",
        "Mozilla/5.0 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)",
        "Mozilla/5.0 (compatible; bingbot/2.0; +http://www.bing.com/bingbot.htm)",
        "facebookexternalhit/1.1 (+http://www.facebook.com/externalhit_uatext.php)",
        "Twitterbot/1.0",
        "curl/8.5.0",
        "python-requests/2.32.3",
        "Wget/1.21.4",
        "Mozilla/5.0 (compatible; AhrefsBot/7.0; +http://ahrefs.com/robot/)",
        "Slackbot-LinkExpanding 1.0 (+https://api.slack.com/robots)",
    ],
)
def test_bots_are_recognised(agent):
    assert counter.is_bot(agent)


@pytest.mark.parametrize(
    "agent",
    [
        BROWSER,
        "Mozilla/5.0 (iPhone; CPU iPhone OS 18_0 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/18.0 Mobile/15E148 Safari/604.1",
        "Mozilla/5.0 (Windows NT 10.0; Win64; x64; rv:133.0) Gecko/20100101 Firefox/133.0",
        "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) HeadlessChrome/156.0 Safari/537.36",
    ],
)
def test_browsers_are_not_bots(agent):
    assert not counter.is_bot(agent)


def _views(client, slug, agent, address="198.51.100.1"):
    return client.get(
        f"/news/{slug}", headers={"User-Agent": agent}, environ_base={"REMOTE_ADDR": address}
    )


def test_page_visits_count_once_per_visitor_and_not_for_bots(client, db, make_post):
    post = make_post()
    _views(client, post.slug, BROWSER)
    _views(client, post.slug, BROWSER)
    _views(client, post.slug, BROWSER, address="198.51.100.2")
    _views(client, post.slug, "Googlebot/2.1 (+http://www.google.com/bot.html)")
    page = _views(client, post.slug, BROWSER, address="198.51.100.3").get_data(as_text=True)
    assert counter.view_count(post.id) == 3
    assert "Liczba wyświetleń: <strong>3</strong>" in page
    stored = db.session.scalars(sa.select(NewsView.visitor_hash)).all()
    assert not any("198.51.100" in h for h in stored)


@pytest.mark.skipif(
    not TEST_DB_URL.startswith("postgresql"), reason="concurrency needs a real server"
)
@pytest.mark.parametrize("same_visitor", [False, True], ids=["20 visitors", "one visitor"])
def test_concurrent_visits_on_postgresql(db, make_post, same_visitor):
    """20 threads, each with its own session and connection, count at once."""
    post = make_post()
    post_id = post.id
    db.session.commit()
    engine = db.engine
    barrier = threading.Barrier(20)
    errors = []

    def visit(n):
        try:
            with Session(engine) as session:
                visitor = "same" if same_visitor else f"visitor-{n:02d}-"
                barrier.wait(timeout=10)
                counter.record_view(post_id, visitor.ljust(64, "x"), DAY, session=session)
                session.commit()
        except Exception as exc:  # pragma: no cover - reported below
            errors.append(exc)

    threads = [threading.Thread(target=visit, args=(n,)) for n in range(20)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(30)
    assert errors == []
    assert counter.view_count(post_id) == (1 if same_visitor else 20)


@pytest.mark.skipif(not TEST_DB_URL.startswith("postgresql"), reason="row locks need a real server")
def test_counting_does_not_wait_for_a_lock_on_the_post(db, make_post):
    """While another transaction is updating the post (an organizer saving it,
    not yet committed), a visit is still counted at once: the counter never
    writes the post's row, and the foreign-key check's KEY SHARE lock does not
    conflict with an update that leaves the key alone."""
    post = make_post()
    post_id = post.id
    db.session.commit()
    with Session(db.engine) as writer, Session(db.engine) as reader:
        writer.execute(
            sa.text("UPDATE news_post SET title = 'Zmieniony' WHERE id = :id"), {"id": post_id}
        )
        reader.execute(sa.text("SET LOCAL lock_timeout = '2s'"))
        assert counter.record_view(post_id, "x" * 64, DAY, session=reader)
        reader.commit()
        writer.rollback()
    assert counter.view_count(post_id) == 1


def test_previews_of_a_draft_are_not_counted(client, auth, db, make_post, organizer):
    post = make_post(published=False)
    auth.login(organizer)
    assert "Liczba wyświetleń: <strong>0</strong>" in _views(client, post.slug, BROWSER).get_data(
        as_text=True
    )
    assert counter.view_count(post.id) == 0
