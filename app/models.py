"""Imports every area's models so that SQLAlchemy and Alembic see the whole schema."""

from app.accounts.models import Role, User  # noqa: F401
from app.audit.models import AuditEvent  # noqa: F401
from app.awards.diploma_models import DiplomaDesign  # noqa: F401
from app.awards.models import (  # noqa: F401
    Award,
    AwardKind,
    Diploma,
    DiplomaTemplate,
    SpecialAward,
    WithheldAward,
)
from app.counts_models import CountsCacheState  # noqa: F401
from app.editions.models import (  # noqa: F401
    Area,
    Category,
    CommentRule,
    Criterion,
    Edition,
    EditionStatus,
    Question,
    QuestionKind,
)
from app.jobs_models import JobRun, JobStatus  # noqa: F401
from app.jury.consensus.models import (  # noqa: F401
    Consensus,
    ConsensusIssue,
    ConsensusResponse,
    ConsensusScore,
    ConsensusStatus,
    ConsensusVersion,
    ResponseDecision,
)
from app.jury.models import (  # noqa: F401
    Assignment,
    ConflictOfInterest,
    IssueCheck,
    JuryMembership,
    MembershipStatus,
    Score,
    ScoreSheet,
    SheetStatus,
    SiteVisitIssue,
)
from app.jury.visits.models import (  # noqa: F401
    ChecklistItem,
    ChecklistItemKind,
    ExternalFinding,
    FindingEffect,
    MysteryVisit,
    VisitAnswer,
    VisitChannel,
    VisitPhoto,
    VisitStatus,
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
from app.public.models import (  # noqa: F401
    EditionRules,
    NewsPost,
    NewsView,
    Photo,
    PostStatus,
    PublicCacheState,
    RulesAttachment,
    SitePage,
)
from app.reminders import SentReminder  # noqa: F401
from app.results.models import (  # noqa: F401
    Qualification,
    QualificationOverride,
    RankingEntry,
    RankingSnapshot,
)
