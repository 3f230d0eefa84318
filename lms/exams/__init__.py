"""Exams: the question bank, question types and their grading, attempts, certificates."""
