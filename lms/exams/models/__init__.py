"""The exams area's models, one module per aggregate: the bank, exams, attempts, certificates."""

from lms.exams.models.attempt import Answer, Attempt, AttemptState, Regrade
from lms.exams.models.bank import (
    Difficulty,
    ImportStatus,
    Question,
    QuestionCategory,
    QuestionFile,
    QuestionImport,
    QuestionStatus,
    QuestionVersion,
    Tag,
    question_tag,
)
from lms.exams.models.certificate import Certificate, CertificateSeal
from lms.exams.models.exam import (
    REVIEW_ITEMS,
    REVIEW_TIMES,
    Exam,
    ExamDrawRule,
    ExamOverride,
    ExamStatus,
    GradingMethod,
)

__all__ = [
    "REVIEW_ITEMS",
    "REVIEW_TIMES",
    "Answer",
    "Attempt",
    "AttemptState",
    "Certificate",
    "CertificateSeal",
    "Difficulty",
    "Exam",
    "ExamDrawRule",
    "ExamOverride",
    "ExamStatus",
    "GradingMethod",
    "ImportStatus",
    "Question",
    "QuestionCategory",
    "QuestionFile",
    "QuestionImport",
    "QuestionStatus",
    "QuestionVersion",
    "Regrade",
    "Tag",
    "question_tag",
]
