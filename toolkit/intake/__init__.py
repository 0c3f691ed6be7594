"""Intake: a workbook from the user's folder to checked master data.

Guarding (refuse unusable files), reading raw tables (python-calamine), validating them into
records with every problem at its cell, and the sample master data. It stands above the core
because checking a template's rule uses the core's recurrence.
"""
