"""Every area's models in one import, for Alembic and for ``create_app``."""

from lms.accounts.models import (  # noqa: F401
    Department,
    LoginFailure,
    LoginLock,
    User,
    UserImport,
    UserRole,
)
from lms.career import models as career_models  # noqa: F401
from lms.courses.models import Course, CourseCompletion, Lesson, LessonProgress  # noqa: F401
from lms.exams.models import (  # noqa: F401
    Answer,
    Attempt,
    Certificate,
    CertificateSeal,
    Exam,
    ExamDrawRule,
    ExamOverride,
    Question,
    QuestionCategory,
    QuestionFile,
    QuestionImport,
    QuestionVersion,
    Regrade,
    Tag,
)
from lms.notifications import models as notification_models  # noqa: F401
from lms.records.models import ParticipationRecord  # noqa: F401
from lms.training import models as training_models  # noqa: F401
