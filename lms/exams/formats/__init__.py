"""Question interchange formats (GIFT now; Moodle XML with the question-bank issue)."""
