"""Database plumbing: the engine's settings and start-up check (``engine``), and read-only GETs
(``read_only``). Models live in ``models/``, reads in ``queries/``, writes in ``operations/``."""
