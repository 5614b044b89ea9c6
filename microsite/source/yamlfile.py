"""YAML loading with what PyYAML does not give for free: scalars read as YAML 1.2 reads
them, duplicate keys as errors, and any key path traced back to its line.

PyYAML follows YAML 1.1, where `NO` (Norway) is false, `on` and `y` are true, `012` is
the octal 10, `0x1F`, `1_000` and `1:20` (sexagesimal) are numbers. Here only YAML 1.2's
core schema turns plain text into something else: `true`/`false` (any case YAML 1.2
allows), `null`/`~`/nothing, decimal integers and plain decimal floats. Every other
plain scalar is text. A true, false or number keeps the text it was written as, so a
field that expects text gets `012`, `1.50` or `True`, not 12, 1.5 or true.

Dates are *not* converted by YAML: `published: 2017-12-08` stays a string, so the
date module owns every date rule (precision, impossible dates) in one place.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import ClassVar

import yaml

from ..errors import Problem, field_path

_Base = getattr(yaml, "CSafeLoader", yaml.SafeLoader)  # libyaml when available: much faster

_BOOL, _INT, _FLOAT = "tag:yaml.org,2002:bool", "tag:yaml.org,2002:int", "tag:yaml.org,2002:float"
_KEPT_FROM_PYYAML = ("tag:yaml.org,2002:null", "tag:yaml.org,2002:merge")  # the same in 1.1 and 1.2
# YAML 1.2's core schema (https://yaml.org/spec/1.2.2/#1032-tag-resolution), but .inf and .nan, which
# no field here means: they stay text. An integer is tried before a float.
_CORE = (
    (_BOOL, re.compile(r"^(?:true|True|TRUE|false|False|FALSE)$"), "tTfF"),
    (_INT, re.compile(r"^[-+]?[0-9]+$"), "-+0123456789"),
    (_FLOAT, re.compile(r"^[-+]?(?:\.[0-9]+|[0-9]+(?:\.[0-9]*)?)(?:[eE][-+]?[0-9]+)?$"), "-+.0123456789"),
)


def _core_resolvers() -> dict:
    resolvers: dict = {}
    for first, pairs in _Base.yaml_implicit_resolvers.items():
        kept = [(tag, regexp) for tag, regexp in pairs if tag in _KEPT_FROM_PYYAML]
        if kept:
            resolvers[first] = kept
    for tag, regexp, firsts in _CORE:
        for first in firsts:
            resolvers.setdefault(first, []).append((tag, regexp))
    return resolvers


class Written:
    """What YAML reads as a number or true/false, with the text it was written as (for text fields)."""

    text: str

    def __str__(self) -> str:
        return self.text


class WrittenInt(Written, int):
    pass


class WrittenFloat(Written, float):
    pass


class WrittenBool(Written):
    """true or false (bool cannot be subclassed); the schema's flags unwrap it, other types refuse it."""

    __slots__ = ("text", "value")

    def __init__(self, value: bool, text: str):
        self.value, self.text = value, text

    def __eq__(self, other) -> bool:
        return isinstance(other, WrittenBool) and other.value == self.value

    def __hash__(self) -> int:
        return hash(self.value)

    def __repr__(self) -> str:
        return self.text


def written_text(value: object) -> object:
    """The text a scalar was written as, where YAML read it as a number or true/false; else the value."""
    return value.text if isinstance(value, Written) else value


class StrictLoader(_Base):
    """SafeLoader with YAML 1.2's core scalars, no timestamp conversion, and duplicate-key detection."""

    yaml_implicit_resolvers: ClassVar[dict] = _core_resolvers()

    def _written(self, node, kind, read):
        text = self.construct_scalar(node)
        try:
            return kind(read(text), text) if kind is WrittenBool else _with_text(kind(read(text)), text)
        except ValueError:  # only an explicit tag (`!!int 0x1F`) gets here: the resolvers match the rest
            what = _KIND_NAMES[kind]
            raise yaml.constructor.ConstructorError(
                None, None, f"`{text}` is not {what} as YAML 1.2 writes it", node.start_mark
            ) from None

    def construct_bool(self, node):
        return self._written(node, WrittenBool, _bool)

    def construct_int(self, node):
        return self._written(node, WrittenInt, lambda text: int(text, 10))

    def construct_float(self, node):
        return self._written(node, WrittenFloat, _float)

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


def _with_text(number, text: str):
    number.text = text
    return number


def _bool(text: str) -> bool:
    if text.lower() not in ("true", "false"):
        raise ValueError(text)
    return text.lower() == "true"


def _float(text: str) -> float:
    if not _CORE[2][1].match(text):  # float() would also take "inf", "nan" and "1_0"
        raise ValueError(text)
    return float(text)


_KIND_NAMES = {WrittenBool: "true or false", WrittenInt: "a whole number", WrittenFloat: "a number"}
StrictLoader.add_constructor(_BOOL, StrictLoader.construct_bool)
StrictLoader.add_constructor(_INT, StrictLoader.construct_int)
StrictLoader.add_constructor(_FLOAT, StrictLoader.construct_float)


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
    return Lines(text, first_line).of(loc)


class Lines:
    """`line_of` for many places in one text, which is parsed once (as for `check`'s notes on a page)."""

    def __init__(self, text: str, first_line: int = 1):
        self.first_line = first_line
        try:
            self.root, self.parsed = yaml.compose(text, Loader=StrictLoader), True
        except yaml.YAMLError:
            self.root, self.parsed = None, False

    def of(self, loc: tuple) -> int | None:
        if not self.parsed:
            return None
        node = self.root
        if node is None:  # empty front matter: point at its first line
            return self.first_line
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
        return line + self.first_line
