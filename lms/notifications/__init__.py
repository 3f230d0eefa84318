"""In-app notifications: new assignments, due soon, overdue, decisions."""
