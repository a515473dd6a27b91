"""Unit-test fixtures: the minimal fixture library, copies of it to break, and ways to break them.

Nothing here needs Flask or a database.
"""

import shutil
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
import yaml

from clinic_onboard.catalog import Catalog, CatalogError, Problem, load_catalog
from clinic_onboard.catalog.sources import parse_yaml

MINIMAL = Path(__file__).parent / "fixtures" / "minimal"


@pytest.fixture(scope="session")
def minimal_catalog() -> Catalog:
    return load_catalog(MINIMAL)


@pytest.fixture
def library(tmp_path: Path) -> Path:
    """A fresh copy of the minimal library, for one test to break."""
    return Path(shutil.copytree(MINIMAL, tmp_path / "library"))


@pytest.fixture
def edit(library: Path) -> Callable[[str, Callable[[Any], object]], None]:
    """Change one file of the copy: ``edit("roles.yaml", lambda data: ...)`` mutates its YAML."""

    def change(file: str, mutate: Callable[[Any], object]) -> None:
        path = library / file
        data = parse_yaml(path.read_text(encoding="utf-8"))
        mutate(data)
        path.write_text(yaml.safe_dump(data, sort_keys=False, allow_unicode=True), "utf-8")

    return change


@pytest.fixture
def problems(library: Path) -> Callable[[], list[Problem]]:
    """Load the copy, which must fail, and return its problems."""

    def load() -> list[Problem]:
        with pytest.raises(CatalogError) as raised:
            load_catalog(library)
        return raised.value.problems

    return load
