"""Where the top-level data folders (templates, checklists, migrations) are: checkout or wheel.

In a checkout (or an editable install) they sit next to the package; an installed wheel carries
them inside the package (see ``force-include`` in pyproject.toml). Pure: no Flask import.
"""

import os
from pathlib import Path

_PACKAGE = Path(__file__).resolve().parent


def _bundled(name: str) -> Path:
    """Return the folder packed into the wheel, else the one beside the package in a checkout."""
    inside = _PACKAGE / name
    return inside if inside.is_dir() else _PACKAGE.parent / name


def templates_dir() -> Path:
    """The Jinja templates folder."""
    return _bundled("templates")


def translations_dir() -> Path:
    """The compiled message catalogs; they live inside the package, so wheels carry them."""
    return _PACKAGE / "translations"


def migrations_dir() -> Path:
    """The Alembic migrations, so ``clinic-onboard db upgrade`` works from a wheel too."""
    return _bundled("migrations")


def checklists_dir() -> Path:
    """The content library: ``CHECKLISTS_DIR`` from the environment, else the bundled one."""
    override = os.environ.get("CHECKLISTS_DIR")
    return Path(override) if override else _bundled("checklists")
