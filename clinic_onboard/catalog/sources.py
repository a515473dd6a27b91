"""Reading the library's files: which files, their YAML, and the content hash in the version."""

import hashlib
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from clinic_onboard.catalog.errors import Problem

TOP_FILES = ("library.yaml", "jurisdictions.yaml", "settings.yaml", "roles.yaml", "options.yaml")
MODULES_DIR = "modules"
_BOOL_TAG = "tag:yaml.org,2002:bool"
# libyaml parses the library several times faster; PyYAML without it still works.
_SafeLoader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


class _Loader(_SafeLoader):
    """YAML 1.2 booleans, so ``ON`` (Ontario) and ``NO`` stay text; duplicate keys are errors."""

    def construct_mapping(self, node: yaml.MappingNode, deep: bool = False) -> dict[Any, Any]:
        seen: set[str] = set()
        for key_node, _ in node.value:
            key = self.construct_object(key_node, deep=deep)
            if isinstance(key, str) and key in seen:
                raise yaml.constructor.ConstructorError(
                    None, None, f"duplicate key {key!r}", key_node.start_mark
                )
            seen.add(key)
        return super().construct_mapping(node, deep)


_Loader.yaml_implicit_resolvers = {
    first: [(tag, regexp) for tag, regexp in resolvers if tag != _BOOL_TAG]
    for first, resolvers in _SafeLoader.yaml_implicit_resolvers.items()
}
_Loader.add_implicit_resolver(
    _BOOL_TAG, re.compile(r"^(?:true|True|TRUE|false|False|FALSE)$"), list("tTfF")
)


def parse_yaml(text: str) -> Any:
    """Parse one document the way the loader does (tests use it to edit fixture files)."""
    return yaml.load(text, Loader=_Loader)


@dataclass(frozen=True)
class Source:
    """One file of the library: its path relative to the root, its bytes and its parsed YAML."""

    name: str
    raw: bytes
    data: Any


def library_files(root: Path) -> tuple[list[str], list[Problem]]:
    """The files the library is made of, relative to the root, and any missing or misplaced."""
    if not root.is_dir():
        return [], [Problem(".", None, None, f"{root} is not a folder")]
    present = [name for name in TOP_FILES if (root / name).is_file()]
    missing = [name for name in TOP_FILES if name not in present]
    modules, misplaced = _module_files(root)
    problems = [Problem(name, None, None, "file is missing") for name in missing]
    return present + modules, problems + misplaced


def _module_files(root: Path) -> tuple[list[str], list[Problem]]:
    folder = root / MODULES_DIR
    if not folder.is_dir():
        return [], [Problem(MODULES_DIR, None, None, "folder is missing")]
    paths = [path for path in sorted(folder.iterdir()) if not path.name.startswith(".")]
    good = [path for path in paths if path.suffix == ".yaml" and path.is_file()]
    stray = [
        Problem(f"{MODULES_DIR}/{path.name}", None, None, "modules/ holds only <id>.yaml files")
        for path in paths
        if path not in good
    ]
    return [f"{MODULES_DIR}/{path.name}" for path in good], stray


def read_source(root: Path, name: str) -> Source | Problem:
    """Parse one file; a syntax error becomes a problem that names the line."""
    raw = (root / name).read_bytes()
    try:
        return Source(name, raw, parse_yaml(raw.decode("utf-8")))
    except UnicodeDecodeError as error:
        return Problem(name, None, None, f"not UTF-8 text ({error.reason} at byte {error.start})")
    except yaml.MarkedYAMLError as error:
        return Problem(name, None, None, _yaml_message(error))
    except yaml.YAMLError as error:
        return Problem(name, None, None, f"invalid YAML: {error}")


def _yaml_message(error: yaml.MarkedYAMLError) -> str:
    mark = error.problem_mark or error.context_mark
    where = f" at line {mark.line + 1}, column {mark.column + 1}" if mark else ""
    return f"invalid YAML{where}: {error.problem or error.context}"


def content_hash(sources: list[Source]) -> str:
    """First 12 hex digits of SHA-256 over every file's path and bytes, in path order."""
    digest = hashlib.sha256()
    for source in sorted(sources, key=lambda s: s.name):
        digest.update(f"{source.name}\0{len(source.raw)}\0".encode())
        digest.update(source.raw)
    return digest.hexdigest()[:12]
