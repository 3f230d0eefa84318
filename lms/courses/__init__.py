"""Courses: content authored as files, the lesson player, progress and knowledge checks."""
