"""Imports every area's models so that SQLAlchemy and Alembic see the whole schema."""

from app.accounts.models import Role, User  # noqa: F401
from app.audit.models import AuditEvent  # noqa: F401
from app.awards.models import Award, AwardKind, Diploma  # noqa: F401
from app.editions.models import (  # noqa: F401
    Area,
    Category,
    Criterion,
    Edition,
    EditionStatus,
    Question,
    QuestionKind,
)
from app.jury.models import (  # noqa: F401
    Assignment,
    ConflictOfInterest,
    ExternalFinding,
    FindingEffect,
    JuryMembership,
    MembershipStatus,
    MysteryVisit,
    Score,
    ScoreSheet,
    SheetStatus,
    VisitChannel,
)
from app.offices.models import (  # noqa: F401
    Answer,
    Application,
    ApplicationStatus,
    Document,
    Office,
    OfficeStatus,
    OfficeType,
    Voivodeship,
)
from app.public.models import NewsPost, Photo  # noqa: F401
