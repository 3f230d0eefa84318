"""The career area's models, one file per aggregate."""

from lms.career.models import kpis, rules  # noqa: F401
