"""The organizer's ranking page: an edition's ranking per stage or final, raw
beside normalised, with its ties and the jurors left un-normalised."""

from __future__ import annotations

from itertools import groupby

from flask import Blueprint, abort, render_template, request
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user

from app.accounts.decorators import organizer_required
from app.editions.models import Edition, ScoreMode
from app.extensions import db
from app.results import blinding, charts
from app.results import ranking as ranking_service
from app.results.labels import TIE_KEY_LABELS

bp = Blueprint("results", __name__)

STAGES = {"1": 1, "2": 2, "final": "final"}
REASONS = {
    "too_few_sheets": _l("fewer than 3 sheets"),
    "no_spread": _l("the same score on every sheet"),
}


@bp.route("/organizer/editions/<int:edition_id>/ranking")
@organizer_required
def ranking(edition_id: int):
    edition = db.get_or_404(Edition, edition_id)
    stage_arg = request.args.get("stage", "final")
    mode_arg = request.args.get("mode", edition.score_mode.value)
    if stage_arg not in STAGES or mode_arg not in {m.value for m in ScoreMode}:
        abort(404)
    result = ranking_service.rank(edition, stage=STAGES[stage_arg], mode=mode_arg)
    names = blinding.names_for(edition, current_user, application_ids=())
    result.rows = names.order_ties(
        names.relabel(result.rows),
        group=lambda r: (r.category_id, r.position),
        entry=lambda r: r.application_id,
    )
    categories = [
        (category, list(rows)) for category, rows in groupby(result.rows, key=lambda r: r.category)
    ]
    bars = [
        (
            name,
            charts.split_bars(
                rows,
                label=_(
                    "Final scores in %(category)s split into their stage-1 and stage-2 parts."
                    " The table below gives the same values.",
                    category=name,
                ),
                chart_id=f"bars-{category_id}",
                legend=(_("Stage 1 part"), _("Stage 2 part")),
            ),
            rows,
        )
        for category_id, name, rows in (charts.bar_rows(result) if stage_arg == "final" else [])
    ]
    return render_template(
        "results/ranking.html",
        edition=edition,
        result=result,
        categories=categories,
        stage_arg=stage_arg,
        mode_arg=mode_arg,
        tie_labels=[TIE_KEY_LABELS[k] for k in result.tie_keys],
        reasons=REASONS,
        bars=bars,
        bars_shown=charts.BARS_SHOWN,
        names=names,
    )


# The area's other pages register their routes on the same blueprint.
from app.results import (  # noqa: E402, F401
    agreement_views,
    blinding_views,
    export_views,
    qualification_views,
)
