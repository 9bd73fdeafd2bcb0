"""The demo's first news post: the story of a past edition's gala, with a
gallery of pictures the demo draws itself (Pillow), stored through the same
path as an organizer's upload (cleaned, thumbnailed)."""

from __future__ import annotations

import datetime as dt
import io
from pathlib import Path

import sqlalchemy as sa
from PIL import Image, ImageDraw, ImageFont

from app.editions.models import Edition, EditionStatus
from app.extensions import db
from app.public.models import NewsPost, Photo, PostStatus
from app.public.photos import store_photo
from app.public.sanitize import clean_html
from app.timeutil import from_local, utcnow

NEWS_SLUG = "gala-w-jablonnie-innowacyjny-urzad"
TITLE = "Gala w Jabłonnie: znamy laureatów znaku „Przyjazny Urząd”"
LEAD = (
    "W pałacu Polskiej Akademii Nauk w Jabłonnie pod Warszawą wręczyliśmy znaki jakości "
    "urzędom, które najlepiej obsługują mieszkańców. W kategorii urzędów marszałkowskich "
    "laureatem został Urząd Marszałkowski Województwa Mazowieckiego w Warszawie, "
    "nagrodzony także statuetką „Innowacyjny urząd”."
)
BODY = """
<p>Po kilku miesiącach pracy jury i kapituły spotkaliśmy się w pałacu Polskiej Akademii Nauk
w Jabłonnie pod Warszawą, aby ogłosić wyniki edycji i wręczyć dyplomy. Na galę przyjechali
przedstawiciele urzędów marszałkowskich, powiatowych, miejskich i gminnych z całego kraju.</p>
<h2>Laureat w kategorii urzędów marszałkowskich</h2>
<p>Tytuł laureata w kategorii urzędów marszałkowskich otrzymał
<strong>Urząd Marszałkowski Województwa Mazowieckiego w Warszawie</strong>. Kapituła przyznała
mu również nagrodę specjalną — statuetkę <strong>„Innowacyjny urząd”</strong> — za usługi
elektroniczne, które mieszkańcy mogą załatwić bez wychodzenia z domu, i za otwarte dane
o czasie oczekiwania w punktach obsługi.</p>
<h2>Jak oceniano urzędy</h2>
<p>Zgłoszenia oceniano według kryteriów zebranych w pięciu obszarach:</p>
<ul>
<li>standardy obsługi klienta (karty usług, czas oczekiwania, dostępność),</li>
<li>standardy polityki jakości,</li>
<li>kompetencje pracowników,</li>
<li>komunikacja z mieszkańcami,</li>
<li>metody zarządzania.</li>
</ul>
<h2>Dwa etapy oceny</h2>
<p>W <strong>pierwszym etapie</strong> jurorzy ocenili dokumenty przesłane przez urzędy:
odpowiedzi na kwestionariusz i załączone dowody. Najlepsze urzędy w każdej kategorii przeszły
do <strong>drugiego etapu</strong>, w którym jury sięgnęło po źródła zewnętrzne (strony BIP,
opinie mieszkańców, publikacje) i wysłało do urzędów <em>tajemniczego klienta</em>. Sprawdzał
on na miejscu, przez telefon, pocztą elektroniczną i na stronie internetowej, jak urząd
obsługuje zwykłą sprawę.</p>
<p>Dziękujemy wszystkim urzędom za udział, a jurorom i członkom kapituły za rzetelną pracę.
Wszystkich laureatów i wyróżnionych, z uzasadnieniami kapituły, można znaleźć
w <a href="{results_url}">wynikach edycji</a>.</p>
"""

# (file name, alt text, caption, credit, what to draw)
GALLERY = (
    (
        "laureaci.jpg",
        "Przedstawiciele nagrodzonych urzędów stoją na scenie z dyplomami",
        "Laureaci edycji na scenie pałacu w Jabłonnie",
        "Anna Nowak",
        "laureates",
    ),
    (
        "gala.jpg",
        "Sala balowa pałacu w Jabłonnie podczas gali, goście przy stołach przed sceną",
        "Gala w pałacu Polskiej Akademii Nauk w Jabłonnie",
        "Anna Nowak",
        "ceremony",
    ),
    (
        "statuetka.jpg",
        "Szklana statuetka „Innowacyjny urząd” na granitowej podstawie",
        "Statuetka „Innowacyjny urząd” dla Urzędu Marszałkowskiego Województwa Mazowieckiego",
        "Piotr Wiśniewski",
        "statuette",
    ),
    (
        "dyplomy.jpg",
        "Dyplomy laureatów ułożone na stole, na wierzchu dyplom urzędu marszałkowskiego",
        "Dyplomy czekające na laureatów",
        "Piotr Wiśniewski",
        "diplomas",
    ),
)

SIZE = (1200, 800)
FONTS = (
    "/usr/share/fonts/truetype/dejavu/DejaVuSans-Bold.ttf",
    "/usr/share/fonts/truetype/liberation/LiberationSans-Bold.ttf",
)


def _font(size: int):
    for path in FONTS:
        if Path(path).exists():
            return ImageFont.truetype(path, size)
    return ImageFont.load_default(size=size)


def _centred(draw: ImageDraw.ImageDraw, text: str, cx: float, y: float, size: int, fill) -> None:
    font = _font(size)
    box = draw.textbbox((0, 0), text, font=font)
    draw.text((cx - (box[2] - box[0]) / 2, y), text, font=font, fill=fill)


def _caption(draw: ImageDraw.ImageDraw, text: str) -> None:
    draw.rectangle((0, SIZE[1] - 110, SIZE[0], SIZE[1]), fill=(11, 93, 59))
    _centred(draw, text, SIZE[0] / 2, SIZE[1] - 88, 44, (255, 255, 255))


def _person(draw, x: int, y: int, colour) -> None:
    draw.ellipse((x - 30, y - 150, x + 30, y - 90), fill=(240, 205, 170))
    draw.rounded_rectangle((x - 55, y - 85, x + 55, y + 80), radius=25, fill=colour)


def _picture(kind: str) -> bytes:
    img = Image.new("RGB", SIZE, (233, 228, 214))
    draw = ImageDraw.Draw(img)
    if kind == "laureates":
        draw.rectangle((0, 520, SIZE[0], 690), fill=(120, 72, 40))  # the stage
        colours = [(25, 50, 90), (90, 30, 40), (30, 30, 30), (20, 80, 60), (70, 50, 100)]
        for i, colour in enumerate(colours):
            x = 200 + i * 200
            _person(draw, x, 520, colour)
            draw.rectangle((x - 35, 450, x + 35, 500), fill=(250, 246, 230), outline=(160, 130, 40))
        _caption(draw, "Laureaci edycji")
    elif kind == "ceremony":
        draw.rectangle((0, 0, SIZE[0], 300), fill=(246, 241, 226))
        for i in range(6):  # windows of the palace hall
            x = 80 + i * 190
            draw.rounded_rectangle((x, 40, x + 110, 260), radius=50, fill=(170, 200, 225))
        draw.rectangle((350, 300, 850, 420), fill=(120, 72, 40))
        _centred(draw, "Przyjazny Urząd", 600, 330, 48, (255, 255, 255))
        for row in range(2):
            for i in range(5):
                x, y = 140 + i * 230, 500 + row * 110
                draw.ellipse((x, y, x + 150, y + 60), fill=(255, 255, 255), outline=(180, 170, 150))
        _caption(draw, "Gala w pałacu PAN w Jabłonnie")
    elif kind == "statuette":
        draw.rectangle((0, 0, SIZE[0], SIZE[1]), fill=(40, 44, 52))
        draw.polygon([(600, 90), (700, 420), (500, 420)], fill=(170, 215, 235))
        draw.polygon([(600, 90), (640, 420), (500, 420)], fill=(205, 235, 245))
        draw.rectangle((420, 420, 780, 560), fill=(90, 90, 95))
        _centred(draw, "Innowacyjny urząd", 600, 472, 30, (230, 200, 120))
        _caption(draw, "Statuetka „Innowacyjny urząd”")
    else:  # diplomas
        draw.rectangle((0, 0, SIZE[0], SIZE[1]), fill=(150, 110, 75))
        for i, (x, y) in enumerate(((180, 120), (420, 160), (660, 110))):
            draw.rectangle(
                (x, y, x + 360, y + 480), fill=(252, 249, 238), outline=(180, 150, 60), width=8
            )
            _centred(draw, "DYPLOM", x + 180, y + 60, 56, (11, 93, 59))
            draw.line((x + 50, y + 170, x + 310, y + 170), fill=(180, 150, 60), width=4)
            draw.ellipse((x + 140, y + 330, x + 220, y + 410), fill=(190, 40, 40))
            if i == 2:
                for line, text in enumerate(
                    ("Urząd Marszałkowski", "Województwa", "Mazowieckiego")
                ):
                    _centred(draw, text, x + 180, y + 200 + 36 * line, 26, (30, 30, 30))
        _caption(draw, "Dyplomy laureatów")
    out = io.BytesIO()
    img.save(out, "JPEG", quality=88)
    return out.getvalue()


def _finished_edition() -> Edition | None:
    return db.session.scalar(
        sa.select(Edition)
        .where(Edition.status.in_([EditionStatus.results_published, EditionStatus.archived]))
        .order_by(Edition.year.desc(), Edition.id.desc())
        .limit(1)
    )


def _results_url(edition: Edition | None) -> str:
    # A plain path: the post's body is stored HTML, written outside a request.
    return f"/results/{edition.slug}" if edition is not None else "/results/"


def seed_news(organizer) -> int:
    """The gala post and its four photos; 0 when it is there already."""
    if db.session.scalar(sa.select(NewsPost.id).where(NewsPost.slug == NEWS_SLUG)):
        return 0
    edition = _finished_edition()
    year = edition.gala_date.year if edition and edition.gala_date else utcnow().year - 1
    gala_day = edition.gala_date if edition and edition.gala_date else dt.date(year, 6, 20)
    post = NewsPost(
        slug=NEWS_SLUG,
        title=TITLE,
        lead=LEAD,
        body_html=clean_html(BODY.format(results_url=_results_url(edition))),
        byline="Zespół konkursu Przyjazny Urząd",
        entered_by_id=organizer.id,
        edition_id=edition.id if edition else None,
        status=PostStatus.published,
        published_at=from_local(dt.datetime.combine(gala_day + dt.timedelta(days=1), dt.time(10))),
    )
    db.session.add(post)
    db.session.flush()
    for position, (name, alt, caption, credit, kind) in enumerate(GALLERY):
        stored = store_photo(io.BytesIO(_picture(kind)), name)
        db.session.add(
            Photo(
                post_id=post.id,
                stored_name=stored.stored_name,
                thumb_name=stored.thumb_name,
                original_name=stored.original_name,
                content_type=stored.content_type,
                size_bytes=stored.size_bytes,
                width=stored.width,
                height=stored.height,
                thumb_width=stored.thumb_width,
                thumb_height=stored.thumb_height,
                alt_text=alt,
                caption=caption,
                credit=credit,
                position=position,
            )
        )
    db.session.flush()
    return 1
