"""The content library: strict YAML in, an immutable, versioned Catalog out.

Pure: imports nothing from Flask, SQLAlchemy or the rest of the app, so the planner, the CLI and
CI can use it on their own.
"""

from clinic_onboard.catalog.checks.names import JURISDICTION_CODES, SETTING_SLUGS
from clinic_onboard.catalog.errors import CatalogError, FieldProblem, Problem
from clinic_onboard.catalog.loader import load_catalog
from clinic_onboard.catalog.model import Catalog, Module
from clinic_onboard.catalog.placeholders import render
from clinic_onboard.catalog.references import Reference
from clinic_onboard.catalog.schema import (
    Applies,
    ClinicLog,
    Duty,
    EmrProduct,
    Frequency,
    Item,
    Jurisdiction,
    Kind,
    Option,
    Phase,
    Role,
    Setting,
    Signoff,
)
from clinic_onboard.catalog.task_rules import check_task_fields
from clinic_onboard.catalog.text import (
    LANGUAGES,
    Language,
    Text,
    check_language,
    french_spacing,
)

__all__ = [
    "JURISDICTION_CODES",
    "LANGUAGES",
    "SETTING_SLUGS",
    "Applies",
    "Catalog",
    "CatalogError",
    "ClinicLog",
    "Duty",
    "EmrProduct",
    "FieldProblem",
    "Frequency",
    "Item",
    "Jurisdiction",
    "Kind",
    "Language",
    "Module",
    "Option",
    "Phase",
    "Problem",
    "Reference",
    "Role",
    "Setting",
    "Signoff",
    "Text",
    "check_language",
    "check_task_fields",
    "french_spacing",
    "load_catalog",
    "render",
]
