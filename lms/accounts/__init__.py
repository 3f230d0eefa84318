"""Accounts: who people are, their roles and department, and how they sign in."""
