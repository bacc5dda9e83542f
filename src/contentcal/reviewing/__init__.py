"""Reviewing: results against SMART goals, corrective actions, and what content works."""
