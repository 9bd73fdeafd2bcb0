"""Rich text is cleaned with nh3 when it is saved."""

from __future__ import annotations

import pytest

from app.public.sanitize import clean_html, plain_text
from app.public.services import PostData, create_post


@pytest.mark.parametrize(
    ("dirty", "kept", "gone"),
    [
        ("<p>Hi</p><script>alert('x')</script>", "<p>Hi</p>", ["script", "alert"]),
        (
            '<p onclick="steal()" onmouseover="x()">Tekst</p>',
            "<p>Tekst</p>",
            ["onclick", "onmouseover", "steal"],
        ),
        ('<a href="javascript:alert(1)">klik</a>', ">klik</a>", ["javascript"]),
        ('<a href="JaVaScRiPt:alert(1)">klik</a>', ">klik</a>", ["alert"]),
        ('<a href="data:text/html;base64,PHNjcmlwdD4=">klik</a>', ">klik</a>", ["data:"]),
        ('<p style="color:red;background:url(x)">Styl</p>', "<p>Styl</p>", ["style", "color"]),
        ('<img src="x" onerror="alert(1)">', "", ["img", "onerror"]),
        ("<iframe src='https://evil.example'></iframe><p>ok</p>", "<p>ok</p>", ["iframe"]),
        ("<style>p{display:none}</style><p>ok</p>", "<p>ok</p>", ["display"]),
        ('<svg onload="alert(1)"><p>ok</p></svg>', "<p>ok</p>", ["svg", "onload"]),
    ],
)
def test_dangerous_markup_is_removed(dirty, kept, gone):
    clean = clean_html(dirty)
    assert kept in clean
    for word in gone:
        assert word.lower() not in clean.lower()


def test_the_allowed_subset_stays():
    html = (
        "<h2>Nagłówek</h2><h3>Pod</h3><p><strong>B</strong> <em>I</em> <b>b</b> <i>i</i></p>"
        "<ul><li>a</li></ul><ol><li>b</li></ol><blockquote>c</blockquote>"
        '<p><a href="https://www.gov.pl/" title="Gov">gov</a> <a href="mailto:a@b.pl">mail</a></p>'
    )
    clean = clean_html(html)
    for fragment in (
        "<h2>Nagłówek</h2>",
        "<h3>Pod</h3>",
        "<strong>B</strong>",
        "<em>I</em>",
        "<ul><li>a</li></ul>",
        "<ol><li>b</li></ol>",
        "<blockquote>c</blockquote>",
        'href="https://www.gov.pl/"',
        'title="Gov"',
        'href="mailto:a@b.pl"',
    ):
        assert fragment in clean
    assert 'rel="noopener noreferrer nofollow"' in clean


def test_plain_text_becomes_paragraphs_and_is_escaped():
    assert clean_html("Pierwszy\nwiersz\n\nDrugi & <3") == (
        "<p>Pierwszy<br>wiersz</p><p>Drugi &amp; &lt;3</p>"
    )
    assert clean_html("   ") == ""


def test_plain_text_of_html():
    assert plain_text("<p>A &amp; b</p><p>c</p>") == "A & b c"
    assert plain_text("<p>" + "słowo " * 100 + "</p>", 30).endswith("…")


def test_a_post_body_is_stored_sanitised(db, organizer, request_ctx):
    post = create_post(
        actor=organizer,
        data=PostData(title="T", body='<p onclick="x()">Tekst<script>alert(1)</script></p>'),
    )
    assert post.body_html == "<p>Tekst</p>"
