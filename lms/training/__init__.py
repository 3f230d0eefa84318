"""Training: classroom sessions (invitations, attendance, ratings) and monthly refreshers."""
