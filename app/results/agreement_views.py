"""The organizer's jury-agreement page: Krippendorff's alpha per category and
criterion, outlier sheets, juror leniency and the jurors' score distributions,
for one stage. Its routes join the results blueprint (app/results/views.py)."""

from __future__ import annotations

from flask import abort, render_template, request
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user

from app.accounts.decorators import organizer_required
from app.editions.models import Edition
from app.extensions import db
from app.results import agreement as agreement_service
from app.results import blinding, charts
from app.results.views import REASONS, bp

BAND_WORDS = {
    "reliable": _l("reliable"),
    "tentative": _l("tentative"),
    "unreliable": _l("not reliable"),
    "no_data": _l("not enough data"),
}
ALPHA_REASONS = {
    "too_few_ratings": _l("no entry has two sheets"),
    "no_variance": _l("every score is the same"),
}


def _heat_map(data: agreement_service.StageAgreement):
    """The heat map, its column names, and its rows for the table (criteria
    named with their area there; the picture has room for the name only)."""
    columns = [c.name for c in data.categories] + [_("All categories")]
    cells = [
        [
            charts.HeatCell(a.value, a.band, str(BAND_WORDS[a.band]))
            for a in [*(c.by_category[k.category_id] for k in data.categories), c.overall]
        ]
        for c in data.criteria
    ]
    chart = charts.heat_map(
        [(c.name, row) for c, row in zip(data.criteria, cells, strict=True)],
        columns,
        label=_(
            "Heat map of Krippendorff's alpha per criterion and category, stage %(stage)s."
            " The table below gives the same values.",
            stage=data.stage,
        ),
        chart_id=f"agreement-{data.stage}",
        legend=[(band, str(words)) for band, words in BAND_WORDS.items()],
    )
    rows = [(f"{c.area}: {c.name}", row) for c, row in zip(data.criteria, cells, strict=True)]
    return chart, columns, rows


def _distributions(data: agreement_service.StageAgreement):
    rows = [
        charts.DistributionRow(
            n.juror,
            (n.item.raw.low, n.item.raw.mean, n.item.raw.high),
            (n.item.normalised.low, n.item.normalised.mean, n.item.normalised.high),
            kept_raw=n.item.normalised_reason is not None,
        )
        for n in data.distributions
    ]
    return charts.juror_distributions(
        rows,
        label=_(
            "Each juror's sheet scores in stage %(stage)s, raw and normalised: lowest,"
            " mean and highest. The table below gives the same values.",
            stage=data.stage,
        ),
        titles=(_("Raw"), _("Normalised")),
        chart_id=f"distributions-{data.stage}",
    )


@bp.route("/organizer/editions/<int:edition_id>/agreement")
@organizer_required
def agreement(edition_id: int):
    edition = db.get_or_404(Edition, edition_id)
    stage_arg = request.args.get("stage", "1")
    if stage_arg not in ("1", "2"):
        abort(404)
    data = agreement_service.load(edition, int(stage_arg))
    # Jurors keep their names; the entries of the outlier sheets are labelled
    # for the viewer.
    names = blinding.names_for(edition, current_user, application_ids=())
    data.outliers = names.relabel(data.outliers, entry="item.entry_id")
    heat_map, columns, heat_rows = _heat_map(data)
    return render_template(
        "results/agreement.html",
        edition=edition,
        data=data,
        stage_arg=stage_arg,
        heat_map=heat_map,
        heat_columns=columns,
        heat_rows=heat_rows,
        distributions=_distributions(data),
        band_words=BAND_WORDS,
        alpha_reasons=ALPHA_REASONS,
        reasons=REASONS,
        thresholds=(agreement_service.RELIABLE, agreement_service.TENTATIVE),
        outlier_sds=agreement_service.OUTLIER_SDS,
        names=names,
    )
