"""The ``clinic-onboard`` command line: ``main`` is the Flask command group holding every
command. ``catalog`` and ``pdf``'s blank forms work on the content library alone, with no app
and no database, so ``catalog check`` reports problems even when the app cannot start; the
others (``backup``, ``confirm``, ``reminders``, ``serve``, ``demo``) need the app. This file
imports none of them, so importing one pulls in nothing else."""
