"""Pydantic validation with the errors turned into short, plain problems.

Content authors read these, so "'day_two' is not one of before_start, day_1, ..." at
``applies.roles[2]`` rather than pydantic's own wording and tuple locations.
"""

from collections.abc import Callable, Mapping
from typing import Any, TypeVar

from pydantic import BaseModel, ValidationError
from pydantic_core import ErrorDetails

from clinic_onboard.catalog.errors import FieldProblem

M = TypeVar("M", bound=BaseModel)

_EXPECTED = {
    "string_type": "text",
    "int_type": "a whole number",
    "bool_type": "true or false",
    "tuple_type": "a list",
    "model_type": "a mapping",
    "model_attributes_type": "a mapping",
    "dict_type": "a mapping",
}


def _shown(value: Any) -> str:
    text = repr(value)
    return text if len(text) <= 60 else text[:57] + "..."


def _choices(error: ErrorDetails) -> str:
    # pydantic spells the choices "'a', 'b' or 'c'"; authors want the plain list
    return str(error.get("ctx", {}).get("expected", "")).replace("'", "").replace(" or ", ", ")


_MESSAGES: Mapping[str, Callable[[ErrorDetails], str]] = {
    "missing": lambda e: "required field is missing",
    "extra_forbidden": lambda e: f"unknown key {e['loc'][-1]!r}",
    "literal_error": lambda e: f"{_shown(e['input'])} is not one of {_choices(e)}",
    "value_error": lambda e: str(e.get("ctx", {}).get("error", e["msg"])),
    "too_short": lambda e: "must not be empty",
    "string_too_short": lambda e: "must not be empty",
}


def _message(error: ErrorDetails) -> str:
    if error["type"] in _MESSAGES:
        return _MESSAGES[error["type"]](error)
    if error["type"] in _EXPECTED:
        return f"expected {_EXPECTED[error['type']]}, got {_shown(error['input'])}"
    return error["msg"]


def _field_path(loc: tuple[int | str, ...]) -> str | None:
    """``("applies", "roles", 2)`` -> ``"applies.roles[2]"``."""
    path = ""
    for part in loc:
        path += f"[{part}]" if isinstance(part, int) else f".{part}"
    return path.lstrip(".") or None


def validate(
    model: type[M], data: Any, prefix: tuple[str, ...] = ()
) -> tuple[M | None, list[FieldProblem]]:
    """The model, or None and every problem with its field path (under ``prefix``)."""
    try:
        return model.model_validate(data), []
    except ValidationError as error:
        return None, [
            FieldProblem(_field_path(prefix + tuple(e["loc"])), _message(e)) for e in error.errors()
        ]
