"""Posting slots (cadences), public holidays, and placing items in slots.

The package is named ``scheduling`` rather than ``schedule`` so that importing it never
shadows the public :func:`contentcal.schedule` function.
"""
