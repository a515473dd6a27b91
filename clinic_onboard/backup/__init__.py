"""Backup and restore of one clinic: ``clinic-onboard export`` and ``clinic-onboard import``.

``scope`` says which rows of every table belong to a clinic, ``encoding`` turns column values
into JSON and back, ``archive`` reads and writes the directory or zip; ``export`` and
``restore`` are the two verbs over the database, its stored files included.
"""

from clinic_onboard.backup.archive import BackupError

__all__ = ["BackupError"]
