"""Column values to JSON and back, decided by the column's type, so new columns need no code.

Dates and times travel as ISO 8601 (aware datetimes keep their offset, to the microsecond the
hash chains cover), enums as their values, bytes as base64, decimals as strings; JSON columns
are carried as they are.
"""

import base64
import uuid
from collections.abc import Mapping
from datetime import date, datetime, time
from decimal import Decimal
from enum import Enum
from typing import Any

from sqlalchemy import JSON, Column, Table
from sqlalchemy.types import TypeEngine

from clinic_onboard.backup.archive import BackupError


def encode_row(table: Table, row: Mapping[str, Any]) -> dict[str, Any]:
    """One row as JSON-safe values, keyed by column name."""
    return {name: _encode(table, name, value) for name, value in row.items()}


def _encode(table: Table, name: str, value: Any) -> Any:
    if value is None or isinstance(value, bool | int | float | str):
        return value
    if _is_json(table.c[name].type):
        return value
    if isinstance(value, datetime | date | time):
        return value.isoformat()
    if isinstance(value, Enum):
        return value.value
    if isinstance(value, bytes):
        return base64.b64encode(value).decode("ascii")
    if isinstance(value, Decimal | uuid.UUID):
        return str(value)
    raise BackupError(f"{table.name}.{name}: cannot back up a {type(value).__name__} value")


def decode_row(table: Table, row: Mapping[str, Any]) -> dict[str, Any]:
    """The row as the database takes it; a column the schema lacks is refused by name."""
    unknown = sorted(set(row) - set(table.c.keys()))
    if unknown:
        raise BackupError(
            f"{table.name} has no column {', '.join(unknown)} in this database; "
            "upgrade it (clinic-onboard db upgrade) before importing"
        )
    return {name: _decode(table.c[name], value) for name, value in row.items()}


def _decode(column: Column[Any], value: Any) -> Any:
    if value is None or _is_json(column.type):
        return value
    kind = _python_type(column.type)
    try:
        return _convert(kind, value)
    except (TypeError, ValueError) as error:
        raise BackupError(f"{column.table.name}.{column.name}: bad value {value!r}") from error


def _convert(kind: type | None, value: Any) -> Any:
    """Undo ``_encode`` for one value whose column holds ``kind``."""
    if kind is None or not isinstance(value, str) or kind is str:
        return value
    if issubclass(kind, datetime):
        return datetime.fromisoformat(value)
    if issubclass(kind, date):
        return date.fromisoformat(value)
    if issubclass(kind, time):
        return time.fromisoformat(value)
    if issubclass(kind, Enum):
        return kind(value)
    if issubclass(kind, bytes):
        return base64.b64decode(value, validate=True)
    if issubclass(kind, Decimal | uuid.UUID):
        return kind(value)
    return value


def _is_json(type_: TypeEngine[Any]) -> bool:
    return isinstance(getattr(type_, "impl_instance", type_), JSON)


def _python_type(type_: TypeEngine[Any]) -> type | None:
    """What the column holds in Python; a TypeDecorator that does not say (``object``) holds
    what its underlying type holds; None for types that say nothing (taken as they are)."""
    for candidate in (type_, getattr(type_, "impl_instance", None)):
        try:
            kind = candidate.python_type if candidate is not None else object
        except NotImplementedError:
            continue
        if kind is not object:
            return kind
    return None
