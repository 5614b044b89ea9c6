"""YAML loading with the two things PyYAML does not give for free:
duplicate keys are errors, and any key path can be traced back to its line.

Dates are *not* converted by YAML: `published: 2017-12-08` stays a string, so the
date module owns every date rule (precision, impossible dates) in one place.
"""

from __future__ import annotations

from pathlib import Path
from typing import ClassVar

import yaml

from .errors import Problem, field_path

_Base = getattr(yaml, "CSafeLoader", yaml.SafeLoader)  # libyaml when available: ~10x faster


class StrictLoader(_Base):
    """SafeLoader without timestamp conversion and with duplicate-key detection."""

    yaml_implicit_resolvers: ClassVar[dict] = {
        first: [(tag, regexp) for tag, regexp in resolvers if tag != "tag:yaml.org,2002:timestamp"]
        for first, resolvers in _Base.yaml_implicit_resolvers.items()
    }

    def construct_mapping(self, node, deep=False):
        seen: dict = {}
        for key_node, _value in node.value:
            key = self.construct_object(key_node, deep=True)
            try:
                hash(key)
            except TypeError:
                raise yaml.constructor.ConstructorError(
                    None, None, "a key must be plain text", key_node.start_mark
                ) from None
            if key in seen:
                raise DuplicateKey(key, seen[key], key_node.start_mark)
            seen[key] = key_node.start_mark
        return super().construct_mapping(node, deep=deep)


class DuplicateKey(yaml.YAMLError):
    def __init__(self, key, first_mark, mark):
        self.key, self.first_mark, self.mark = key, first_mark, mark


def load(text: str, file: Path, first_line: int = 1) -> tuple[object, list[Problem]]:
    """Parse `text` (which starts at line `first_line` of `file`).

    Returns (data, problems); data is None when there are problems.
    """
    try:
        return yaml.load(text, Loader=StrictLoader), []
    except DuplicateKey as err:
        path = _path_to_key(text, err.mark)
        return None, [
            Problem(
                file,
                f"the key `{err.key}` appears twice (first on line {err.first_mark.line + first_line})",
                line=err.mark.line + first_line,
                field=field_path(path) if path else str(err.key),
                hint="keep one of them; YAML would silently drop the first",
            )
        ]
    except yaml.YAMLError as err:
        return None, [_yaml_problem(err, text, file, first_line)]


def _yaml_problem(err: yaml.YAMLError, text: str, file: Path, first_line: int) -> Problem:
    lines = text.splitlines()
    mark = getattr(err, "problem_mark", None)
    context = getattr(err, "context", None) or ""
    if context.startswith("while parsing a flow") and getattr(err, "context_mark", None) is not None:
        mark = err.context_mark  # an unclosed [ or {: point at where it was opened, not where YAML gave up
    elif mark is None:
        mark = getattr(err, "context_mark", None)
    reason = getattr(err, "problem", None) or str(err)
    message = f"the YAML cannot be read: {reason}" + (f" ({context})" if context else "")
    if mark is None:
        return Problem(file, message, hint="check the indentation and quoting")
    index = min(mark.line, max(len(lines) - 1, 0))  # YAML may point just past the end
    bad_line = lines[index] if lines else ""
    if context.startswith("while parsing a flow"):
        hint = "a [ or { opened here is never closed: add the closing ] or }, or quote the text"
    elif "\t" in bad_line or "\t" in reason:
        hint = "YAML does not allow tabs for indentation: indent with spaces"
    elif ": " in bad_line.split(":", 1)[-1]:
        hint = 'a value that contains ": " must be quoted: key: "text: more text"'
    else:
        hint = "check the indentation and quoting on this line and the one above"
    return Problem(file, message, line=index + first_line, hint=hint)


def _path_to_key(text: str, mark) -> tuple:
    """The key path of the mapping key at `mark`, found in the node tree."""
    try:
        root = yaml.compose(text, Loader=StrictLoader)
    except yaml.YAMLError:
        return ()

    def walk(node, path):
        if isinstance(node, yaml.MappingNode):
            for key_node, value_node in node.value:
                here = (*path, key_node.value)
                if (key_node.start_mark.line, key_node.start_mark.column) == (mark.line, mark.column):
                    return here
                found = walk(value_node, here)
                if found:
                    return found
        elif isinstance(node, yaml.SequenceNode):
            for index, child in enumerate(node.value):
                found = walk(child, (*path, index))
                if found:
                    return found
        return None

    return walk(root, ()) or ()


def line_of(text: str, loc: tuple, first_line: int = 1) -> int | None:
    """The line (in the file) of the node at key path `loc`, or of its nearest parent.

    Only called when reporting a problem, so the extra parse costs nothing on a good build.
    """
    try:
        node = yaml.compose(text, Loader=StrictLoader)
    except yaml.YAMLError:
        return None
    if node is None:  # empty front matter: point at its first line
        return first_line
    line = node.start_mark.line
    for part in loc:
        child = None
        if isinstance(node, yaml.MappingNode):
            for key_node, value_node in node.value:
                if key_node.value == str(part):
                    child, line = value_node, key_node.start_mark.line
                    break
        elif isinstance(node, yaml.SequenceNode) and isinstance(part, int) and part < len(node.value):
            child = node.value[part]
            line = child.start_mark.line
        if child is None:
            break
        node = child
    return line + first_line
