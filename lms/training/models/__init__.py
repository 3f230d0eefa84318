"""The training area's models, one file per aggregate."""

from lms.training.models import refreshers, sessions  # noqa: F401
