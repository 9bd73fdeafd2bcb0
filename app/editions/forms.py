"""Forms for the organizer's edition pages."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from wtforms import (
    BooleanField,
    DateField,
    DateTimeLocalField,
    DecimalField,
    HiddenField,
    IntegerField,
    SelectChoice,
    SelectField,
    SelectMultipleField,
    StringField,
    SubmitField,
    TextAreaField,
)
from wtforms.validators import (
    DataRequired,
    InputRequired,
    Length,
    NumberRange,
    Optional,
    Regexp,
    ValidationError,
)
from wtforms.widgets import CheckboxInput, ListWidget

from app.editions import dates
from app.editions.models import (
    DEFAULT_TIE_RULE,
    CommentRule,
    ConsensusScoring,
    QualificationMode,
    QuestionKind,
    ScoreMode,
)
from app.forms import BaseForm
from app.labels import choices
from app.offices.models import OfficeType
from app.results.labels import TIE_RULES, tie_rule_label

SLUG_PATTERN = r"^[a-z0-9]+(?:-[a-z0-9]+)*$"
LOCAL_FORMAT = "%Y-%m-%dT%H:%M"


def strip(value):
    return value.strip() if isinstance(value, str) else value


def lower(value):
    return value.lower() if isinstance(value, str) else value


def _slug_field():
    return StringField(
        _l("Address name (slug)"),
        filters=[strip, lower],
        validators=[
            DataRequired(),
            Length(max=80),
            Regexp(
                SLUG_PATTERN,
                message=_l("Use lowercase letters, digits and single hyphens, e.g. edycja-2026."),
            ),
        ],
        description=_l("Used in addresses; lowercase letters, digits and hyphens."),
    )


def _year_field():
    return IntegerField(
        _l("Year"),
        validators=[
            InputRequired(),
            NumberRange(min=2000, max=2100, message=_l("Enter a year between 2000 and 2100.")),
        ],
    )


class MultiCheckboxField(SelectMultipleField):
    """A list of checkboxes; rendered as a fieldset by the editions templates."""

    widget = ListWidget(prefix_label=False)
    option_widget = CheckboxInput()


class EditionForm(BaseForm):
    name = StringField(_l("Name"), filters=[strip], validators=[DataRequired(), Length(max=200)])
    slug = _slug_field()
    year = _year_field()
    description = TextAreaField(_l("Description"), filters=[strip], validators=[Optional()])
    organizer_name = StringField(
        _l("Organizer"), filters=[strip], validators=[Optional(), Length(max=200)]
    )
    peer_scores_visible = BooleanField(
        _l("Jurors may see the other jurors' scores of an entry after submitting their own"),
        default=False,
        description=_l(
            "Off by default: jurors who see colleagues' numbers tend to anchor on them."
        ),
    )
    jurors_per_application = IntegerField(
        _l("Jurors per application"),
        default=3,
        validators=[
            InputRequired(),
            NumberRange(min=1, max=20, message=_l("Enter a number between 1 and 20.")),
        ],
    )
    applications_open_at = DateTimeLocalField(
        dates.DATE_LABELS["applications_open_at"],
        format=LOCAL_FORMAT,
        validators=[Optional()],
        description=_l("Polish time (Europe/Warsaw)."),
    )
    applications_close_at = DateTimeLocalField(
        dates.DATE_LABELS["applications_close_at"],
        format=LOCAL_FORMAT,
        validators=[Optional()],
        description=_l("Polish time (Europe/Warsaw). Applications are refused from this moment."),
    )
    stage1_start = DateField(dates.DATE_LABELS["stage1_start"], validators=[Optional()])
    stage1_end = DateField(dates.DATE_LABELS["stage1_end"], validators=[Optional()])
    stage2_start = DateField(dates.DATE_LABELS["stage2_start"], validators=[Optional()])
    stage2_end = DateField(dates.DATE_LABELS["stage2_end"], validators=[Optional()])
    chapter_date = DateField(dates.DATE_LABELS["chapter_date"], validators=[Optional()])
    results_date = DateField(dates.DATE_LABELS["results_date"], validators=[Optional()])
    gala_date = DateField(dates.DATE_LABELS["gala_date"], validators=[Optional()])
    score_mode = SelectField(
        _l("Ranking uses"),
        choices=[
            SelectChoice("normalised", _l("scores normalised per juror (recommended)")),
            SelectChoice("raw", _l("the jurors' raw scores")),
        ],
        coerce=lambda v: v if isinstance(v, ScoreMode) else ScoreMode(v),
        default=ScoreMode.normalised,
        description=_l(
            "Normalisation takes out each juror's own strictness or leniency; the ranking page "
            "shows both."
        ),
    )
    stage1_weight = DecimalField(
        _l("Weight of stage 1 in the final score, in per cent"),
        places=2,
        default=40,
        validators=[InputRequired(), NumberRange(min=0, max=100)],
    )
    stage2_weight = DecimalField(
        _l("Weight of stage 2 in the final score, in per cent"),
        places=2,
        default=60,
        validators=[InputRequired(), NumberRange(min=0, max=100)],
    )
    tie_rule = SelectField(
        _l("Equal scores are separated by"),
        choices=[SelectChoice(",".join(keys), tie_rule_label(keys)) for keys in TIE_RULES],
        default=DEFAULT_TIE_RULE,
        description=_l("Entries still equal after these are shown as tied."),
    )
    qualification_mode = SelectField(
        _l("Entries qualify for stage 2"),
        choices=[
            SelectChoice("top_k", _l("the best N of each category")),
            SelectChoice("threshold", _l("every entry with at least N per cent in stage 1")),
        ],
        coerce=lambda v: v if isinstance(v, QualificationMode) else QualificationMode(v),
        default=QualificationMode.top_k,
    )
    qualification_value = DecimalField(
        _l("N"),
        places=2,
        default=10,
        # The column holds up to 99999.99; a larger N would overflow it.
        validators=[InputRequired(), NumberRange(min=0, max=99999)],
    )
    consensus_stage1 = BooleanField(
        _l("Consensus review in stage 1"),
        default=False,
        description=_l(
            "Once an entry's sheets are in, its jurors agree one score per criterion, "
            "led by one of them."
        ),
    )
    consensus_stage2 = BooleanField(_l("Consensus review in stage 2"), default=False)
    consensus_scoring = SelectField(
        _l("In a stage with consensus review, the ranking uses"),
        choices=[
            SelectChoice("consensus", _l("the agreed consensus score (recommended)")),
            SelectChoice("mean", _l("the mean of the independent sheets")),
        ],
        coerce=lambda v: v if isinstance(v, ConsensusScoring) else ConsensusScoring(v),
        default=ConsensusScoring.consensus,
        description=_l(
            "An entry whose consensus is not final yet is ranked by the mean, and flagged."
        ),
    )
    blind_chapter = BooleanField(
        _l("Blinded chapter: entries can be shown as codes until the chapter has decided"),
        default=False,
        description=_l(
            "The qualification, ranking and chapter pages and the exports then show codes "
            "(K-0137) instead of the offices' names to every organizer who chooses the blinded "
            "view; after the chapter's decision the names are revealed with one recorded action."
        ),
    )
    gala_place = StringField(
        _l("Gala place"), filters=[strip], validators=[Optional(), Length(max=200)]
    )
    submit = SubmitField(_l("Save"))

    def validate_applications_close_at(self, field):
        opens = self.applications_open_at.data
        if field.data and opens and field.data <= opens:
            raise ValidationError(_l("Applications must close after they open."))

    def validate(self, extra_validators=None) -> bool:
        valid = super().validate(extra_validators)
        # The phase order is one rule (app/editions/dates.py), shown at the
        # later of the two dates so the organizer sees which one to move.
        values = {name: self[name].data for name in dates.PHASE_DATES}
        for name, earlier in dates.order_problems(values, utc=False):
            if not self[name].errors:
                self[name].errors.append(dates.problem_message(name, earlier))
                valid = False
        return valid


class CopyEditionForm(BaseForm):
    name = StringField(
        _l("Name of the new edition"),
        filters=[strip],
        validators=[DataRequired(), Length(max=200)],
    )
    slug = _slug_field()
    year = _year_field()
    submit = SubmitField(_l("Copy edition"))


class PhaseForm(BaseForm):
    expected = HiddenField(validators=[DataRequired()])
    target = HiddenField(validators=[DataRequired()])
    confirm_missing = BooleanField(
        _l("I confirm: close the stage although the listed score sheets are missing")
    )
    submit = SubmitField(_l("Move to the next phase"))


class CategoryForm(BaseForm):
    name = StringField(_l("Name"), filters=[strip], validators=[DataRequired(), Length(max=200)])
    description = TextAreaField(_l("Description"), filters=[strip], validators=[Optional()])
    allowed_office_types = MultiCheckboxField(
        _l("Office types that may enter"),
        validators=[Optional()],
        description=_l("Leave all unchecked to admit every type of office."),
    )
    position = IntegerField(
        _l("Order"),
        default=0,
        validators=[InputRequired(), NumberRange(min=0, max=10000)],
    )
    submit = SubmitField(_l("Save"))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.allowed_office_types.choices = choices(OfficeType)


class AreaForm(BaseForm):
    name = StringField(_l("Name"), filters=[strip], validators=[DataRequired(), Length(max=200)])
    description = TextAreaField(_l("Description"), filters=[strip], validators=[Optional()])
    position = IntegerField(
        _l("Order"), default=0, validators=[InputRequired(), NumberRange(min=0, max=10000)]
    )
    submit = SubmitField(_l("Save"))


def _area_choices(edition) -> list[tuple[int, str]]:
    return [(a.id, a.name) for a in edition.areas]


class CriterionForm(BaseForm):
    area_id = SelectField(_l("Area"), coerce=int, validators=[InputRequired()])
    stage = SelectField(_l("Stage"), coerce=int, validators=[InputRequired()])
    name = StringField(_l("Name"), filters=[strip], validators=[DataRequired(), Length(max=300)])
    guidance = TextAreaField(_l("Guidance for jurors"), filters=[strip], validators=[Optional()])
    max_score = IntegerField(
        _l("Maximum score"),
        default=10,
        validators=[
            InputRequired(),
            NumberRange(min=1, max=1000, message=_l("Enter a number between 1 and 1000.")),
        ],
    )
    weight = DecimalField(_l("Weight"), default=1, places=2, validators=[InputRequired()])
    step = SelectField(
        _l("Scores go in"),
        coerce=float,
        default=1.0,
        choices=[SelectChoice(1.0, _l("whole points")), SelectChoice(0.5, _l("half points"))],
    )
    comment_rule = SelectField(
        _l("Strengths and areas for improvement are required"),
        choices=[SelectChoice(value, text) for value, text in choices(CommentRule)],
        # The field holds the member; the options carry its value.
        coerce=lambda v: v if isinstance(v, CommentRule) else CommentRule(v),
        default=CommentRule.extremes,
        description=_l(
            "For a top or bottom score: strengths for a score in the top fifth of the range, "
            "areas for improvement for one in the bottom fifth."
        ),
    )
    position = IntegerField(
        _l("Order"), default=0, validators=[InputRequired(), NumberRange(min=0, max=10000)]
    )
    submit = SubmitField(_l("Save"))

    def __init__(self, *args, edition, **kwargs):
        super().__init__(*args, **kwargs)
        self.area_id.choices = _area_choices(edition)
        self.stage.choices = [(1, _l("Stage 1")), (2, _l("Stage 2"))]

    def validate_weight(self, field):
        if field.data is not None and (field.data <= 0 or field.data >= 10000):
            raise ValidationError(_l("The weight must be greater than zero (and below 10000)."))


class QuestionForm(BaseForm):
    area_id = SelectField(_l("Area"), coerce=int, validators=[InputRequired()])
    kind = SelectField(_l("Kind of answer"), validators=[InputRequired()])
    prompt = StringField(
        _l("Question"), filters=[strip], validators=[DataRequired(), Length(max=500)]
    )
    help_text = TextAreaField(_l("Help text"), filters=[strip], validators=[Optional()])
    required = BooleanField(_l("An answer is required"), default=True)
    max_length = IntegerField(
        _l("Maximum length (text answers)"),
        validators=[Optional(), NumberRange(min=1, max=100000)],
        description=_l("Number of characters; leave empty for no limit."),
    )
    min_value = IntegerField(_l("Minimum (number answers)"), validators=[Optional()])
    max_value = IntegerField(_l("Maximum (number answers)"), validators=[Optional()])
    position = IntegerField(
        _l("Order"), default=0, validators=[InputRequired(), NumberRange(min=0, max=10000)]
    )
    submit = SubmitField(_l("Save"))

    def __init__(self, *args, edition, **kwargs):
        super().__init__(*args, **kwargs)
        self.area_id.choices = _area_choices(edition)
        self.kind.choices = choices(QuestionKind)

    def validate_max_value(self, field):
        low = self.min_value.data
        if field.data is not None and low is not None and low > field.data:
            raise ValidationError(_l("The maximum cannot be smaller than the minimum."))
