"""Words for the ranking rules, shared by the edition's settings form and the
ranking page."""

from __future__ import annotations

import itertools

from flask_babel import lazy_gettext as _l
from flask_babel.speaklater import LazyString

from app.results.numbers import TIE_KEYS

TIE_KEY_LABELS = {
    "stage2": _l("the stage-2 score"),
    "checklist": _l("the mystery-shopper checklist"),
    "stage1": _l("the stage-1 score"),
}

# The tie-break chains an organizer may choose: every order of one, two or
# all three keys.
TIE_RULES = [keys for n in (3, 2, 1) for keys in itertools.permutations(TIE_KEYS, n)]


def tie_rule_label(keys) -> LazyString:
    """ "the stage-2 score, then ..." for a chain of keys, in the reader's language."""
    return LazyString(lambda: str(_l(", then ")).join(str(TIE_KEY_LABELS[k]) for k in keys))
