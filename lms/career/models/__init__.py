"""The career area's models, one file per aggregate."""

from lms.career.models import decisions, kpis, rules  # noqa: F401
