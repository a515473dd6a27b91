"""The app's content library: loaded and validated once at start-up, shared by every request."""

from functools import lru_cache
from pathlib import Path

from flask import Flask, current_app

from clinic_onboard.catalog import Catalog, load_catalog


def init_app(app: Flask) -> None:
    """Load the library or refuse to start: a broken library must never serve plans."""
    app.extensions["catalog"] = _load(Path(app.config["CHECKLISTS_DIR"]), _fingerprint(app))
    app.context_processor(lambda: {"catalog_version": catalog().version})


def catalog() -> Catalog:
    return current_app.extensions["catalog"]


def _fingerprint(app: Flask) -> tuple[tuple[str, int, int], ...]:
    """Names, sizes and times of the files, so an edited library is reloaded, not cached."""
    root = Path(app.config["CHECKLISTS_DIR"])
    return tuple(
        (str(path.relative_to(root)), path.stat().st_size, path.stat().st_mtime_ns)
        for path in sorted(root.rglob("*.yaml"))
    )


@lru_cache(maxsize=4)
def _load(root: Path, fingerprint: tuple[tuple[str, int, int], ...]) -> Catalog:
    return load_catalog(root)
