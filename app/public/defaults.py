"""Default texts of the site pages, in Polish and English, shown until an
organizer saves their own. Words in [square brackets] are for the organizer
to fill in; the editing page says so.

The accessibility statement follows the structure Polish public bodies must
use (ustawa z dnia 4 kwietnia 2019 r. o dostępności cyfrowej stron
internetowych i aplikacji mobilnych podmiotów publicznych); the privacy
notice gives what Articles 13 and 14 GDPR require.
"""

from __future__ import annotations

from flask_babel import lazy_gettext as _l

PAGE_KEYS = ("accessibility", "privacy")

TITLES = {
    "accessibility": _l("Accessibility statement"),
    "privacy": _l("Privacy notice"),
}

ACCESSIBILITY_PL = """
<p>[Nazwa organizatora] zobowiązuje się zapewnić dostępność swojego serwisu internetowego
zgodnie z ustawą z dnia 4 kwietnia 2019 r. o dostępności cyfrowej stron internetowych
i aplikacji mobilnych podmiotów publicznych. Deklaracja dostępności dotyczy serwisu konkursu
prowadzonego w systemie Laurel.</p>
<ul>
<li>Data publikacji serwisu: [data].</li>
<li>Data ostatniej istotnej aktualizacji: [data].</li>
</ul>
<h2>Stan dostępności cyfrowej</h2>
<p>Serwis jest zgodny ze standardem WCAG 2.1 na poziomie AA. Każda publiczna strona jest
automatycznie sprawdzana narzędziem axe-core przy szerokości ekranu 1280 i 320 pikseli.
Zdjęcia w aktualnościach mają opisy alternatywne, a strony można obsłużyć samą klawiaturą.</p>
<h2>Przygotowanie deklaracji dostępności</h2>
<p>Deklarację sporządzono dnia [data] na podstawie samooceny przeprowadzonej przez
[nazwa organizatora].</p>
<h2>Skróty klawiaturowe</h2>
<p>Serwis nie ma własnych skrótów klawiaturowych. Na początku każdej strony jest łącze
„Przejdź do treści”, widoczne po naciśnięciu klawisza Tab.</p>
<h2>Informacje zwrotne i dane kontaktowe</h2>
<p>Błędy i problemy z dostępnością można zgłaszać do: [imię i nazwisko], e-mail: [adres],
telefon: [numer]. Tą samą drogą można składać wnioski o udostępnienie informacji
niedostępnej oraz o zapewnienie dostępności cyfrowej strony lub jej elementu.</p>
<h2>Procedura wnioskowo-skargowa</h2>
<p>Każdy ma prawo wystąpić z żądaniem zapewnienia dostępności cyfrowej strony internetowej
lub jej elementu. Żądanie powinno zawierać dane kontaktowe osoby je zgłaszającej, wskazanie
strony lub elementu oraz sposób kontaktu. Organizator realizuje żądanie niezwłocznie, nie
później niż w ciągu 7 dni. Gdy nie jest to możliwe, informuje o tym i podaje termin, nie
dłuższy niż 2 miesiące, albo proponuje alternatywny sposób dostępu do informacji.
Po odmowie można złożyć skargę, a po jej wyczerpaniu — wniosek do Rzecznika Praw
Obywatelskich (<a href="https://bip.brpo.gov.pl">bip.brpo.gov.pl</a>).</p>
<h2>Dostępność architektoniczna</h2>
<p>[Opis dostępności siedziby organizatora: wejście, windy, toalety, miejsca parkingowe,
pętla indukcyjna, tłumacz języka migowego.]</p>
"""

ACCESSIBILITY_EN = """
<p>[Organizer's name] is committed to making its website accessible in accordance with the
Polish Act of 4 April 2019 on the digital accessibility of websites and mobile applications
of public bodies. This statement applies to the competition website run on Laurel.</p>
<ul>
<li>Date of publication: [date].</li>
<li>Date of the last significant update: [date].</li>
</ul>
<h2>Compliance status</h2>
<p>The website complies with WCAG 2.1 at level AA. Every public page is checked
automatically with axe-core at screen widths of 1280 and 320 pixels. Photos in the news
have text alternatives, and every page can be used with a keyboard alone.</p>
<h2>Preparation of this statement</h2>
<p>This statement was prepared on [date] on the basis of a self-assessment by
[organizer's name].</p>
<h2>Keyboard shortcuts</h2>
<p>The website has no shortcuts of its own. Each page starts with a “Skip to main content”
link, shown when the Tab key is pressed.</p>
<h2>Feedback and contact information</h2>
<p>Report accessibility problems to: [name], e-mail: [address], phone: [number]. The same
contact accepts requests for inaccessible information and for making a page or an element
accessible.</p>
<h2>Enforcement procedure</h2>
<p>Anyone may request that a web page or an element of it be made accessible. The request
should give the requester's contact details, the page or element concerned and the preferred
way of contact. The organizer acts on it without delay and within 7 days at the latest; if
that is not possible, it says so and names a date no later than 2 months ahead, or offers
another way to reach the information. A refusal may be appealed, and then brought before the
Polish Commissioner for Human Rights (<a href="https://bip.brpo.gov.pl">bip.brpo.gov.pl</a>).</p>
<h2>Physical accessibility</h2>
<p>[How to reach the organizer's office: entrance, lifts, toilets, parking, induction loop,
sign-language interpreter.]</p>
"""

PRIVACY_PL = """
<h2>Administrator danych</h2>
<p>Administratorem danych osobowych przetwarzanych w serwisie konkursu jest
[nazwa organizatora], [adres], e-mail: [adres]. Inspektor ochrony danych: [adres e-mail].</p>
<h2>Jakie dane i w jakim celu</h2>
<ul>
<li>Dane osób kontaktowych urzędów i członków jury (imię i nazwisko, adres e-mail,
stanowisko) — w celu przeprowadzenia konkursu (art. 6 ust. 1 lit. e lub f RODO).</li>
<li>Dane w zgłoszeniach urzędów i w ocenach jury — w celu oceny zgłoszeń i ogłoszenia
wyników (art. 6 ust. 1 lit. b i e RODO).</li>
<li>Zapis zdarzeń (kto i kiedy zmienił dane, adres IP przy logowaniu) — w celu
zapewnienia rzetelności konkursu i bezpieczeństwa (art. 6 ust. 1 lit. f RODO).</li>
</ul>
<h2>Licznik wyświetleń i pliki cookie</h2>
<p>Licznik wyświetleń aktualności nie zapisuje adresów IP ani danych przeglądarki: zapisuje
tylko jednokierunkowy skrót, który co dobę jest inny, więc nie pozwala rozpoznać osoby.
Serwis używa wyłącznie niezbędnych plików cookie: sesji (logowanie, wybór języka).
Nie używa narzędzi analitycznych ani reklamowych.</p>
<h2>Odbiorcy i czas przechowywania</h2>
<p>Dane mogą otrzymać członkowie jury i kapituły w zakresie potrzebnym do oceny oraz
podmioty obsługujące serwis na zlecenie administratora. Dane przechowujemy przez czas
trwania edycji konkursu, a następnie przez okres wymagany przepisami o archiwizacji.</p>
<h2>Twoje prawa</h2>
<p>Masz prawo dostępu do swoich danych, ich sprostowania, ograniczenia przetwarzania,
usunięcia (gdy przepisy na to pozwalają) oraz sprzeciwu. Możesz wnieść skargę do Prezesa
Urzędu Ochrony Danych Osobowych (ul. Stawki 2, 00-193 Warszawa).</p>
"""

PRIVACY_EN = """
<h2>Controller</h2>
<p>The controller of personal data processed on the competition website is
[organizer's name], [address], e-mail: [address]. Data protection officer: [e-mail].</p>
<h2>What data and why</h2>
<ul>
<li>Contact people of offices and jury members (name, e-mail address, position): to run
the competition (Article 6(1)(e) or (f) GDPR).</li>
<li>Data in the offices' applications and in the jury's scores: to assess the entries and
publish the results (Article 6(1)(b) and (e) GDPR).</li>
<li>The audit log (who changed what and when, the IP address at sign-in): to keep the
competition fair and the service secure (Article 6(1)(f) GDPR).</li>
</ul>
<h2>View counter and cookies</h2>
<p>The news view counter stores no IP addresses and no browser details: only a one-way hash
that changes every day, so it cannot identify anyone. The website uses strictly necessary
cookies only: the session (sign-in, language choice). There are no analytics or
advertising tools.</p>
<h2>Recipients and retention</h2>
<p>Jury and chapter members receive the data they need for the assessment, and service
providers working for the controller may process it. Data are kept for the duration of the
edition and then for the period required by archiving law.</p>
<h2>Your rights</h2>
<p>You have the right of access, rectification, restriction, erasure (where the law allows)
and objection. You may lodge a complaint with the President of the Personal Data Protection
Office (Prezes Urzędu Ochrony Danych Osobowych, ul. Stawki 2, 00-193 Warszawa).</p>
"""

DEFAULTS = {
    "accessibility": {"pl": ACCESSIBILITY_PL.strip(), "en": ACCESSIBILITY_EN.strip()},
    "privacy": {"pl": PRIVACY_PL.strip(), "en": PRIVACY_EN.strip()},
}


def default_body(key: str, language: str) -> str:
    return DEFAULTS[key]["en" if language == "en" else "pl"]
