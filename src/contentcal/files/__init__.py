"""Reading and writing plan files: load, pin and atomic writes.

This is the only part of contentcal that reads a user's plan files or writes back into them.
"""
