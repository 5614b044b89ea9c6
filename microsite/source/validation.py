"""pydantic's errors -> Problems a user can act on: a line, a field, a message and a hint."""

from __future__ import annotations

import difflib
from pathlib import Path

from pydantic import BaseModel, ValidationError

from ..errors import Problem, field_path
from . import schema, yamlfile

# Which model a mapping at a given parent key has, to suggest the key meant by a typo.
_MODELS: dict[str, dict[str, type[BaseModel]]] = {
    "page": {
        "": schema.FrontMatter,
        "sources": schema.SourceRef,
        "claims": schema.ClaimEntry,
        "comments": schema.CommentsEntry,
        "items": schema.CommentEntry,
        "claims.answered": schema.ClaimAnswers,  # `answered` by the key that holds it
        "comments.answered": schema.CommentsAnswers,
    },
    "site": {
        "": schema.SiteFile,
        "companies": schema.CompanyEntry,
        "sources": schema.SourceEntry,
        "stories": schema.StoryEntry,
    },
}
_DOCS = "see docs/content-format.md"
_ANSWERS = (schema.ClaimAnswers, schema.CommentsAnswers)


def schema_problems(err: ValidationError, file: Path, text: str, first_line: int, kind: str) -> list[Problem]:
    problems = []
    for error in err.errors(include_url=False):
        loc = error["loc"]
        message, hint = _explain(error, kind)
        problems.append(
            Problem(
                file,
                message,
                line=yamlfile.line_of(text, loc, first_line),
                field=field_path(loc) or None,
                hint=hint,
            )
        )
    return problems


def _explain(error: dict, kind: str) -> tuple[str, str]:
    loc, kind_of_error, value = error["loc"], error["type"], error.get("input")
    key = loc[-1] if loc else ""
    if kind_of_error == "missing":
        return f"the required key `{key}` is missing", f"add `{key}:` with a value ({_DOCS})"
    if kind_of_error == "extra_forbidden":
        _parent, model = _model_at(kind, loc)
        close = difflib.get_close_matches(str(key), list(model.model_fields), n=1, cutoff=0.6)
        allowed = ", ".join(model.model_fields)
        if model in _ANSWERS:  # few keys, each a note's kind: always named
            hint = (f"did you mean `{close[0]}`? " if close else "") + (
                f"`answered` here takes {allowed}: a note's kind, with the reason the note does not apply"
            )
        else:
            hint = f"did you mean `{close[0]}`?" if close else f"remove it; the keys allowed here are: {allowed}"
        return f"unknown key `{key}`", hint
    if kind_of_error == "literal_error":
        return f"`{value}` is not allowed here", f"use one of: {error['ctx']['expected'].replace(chr(39), '')}"
    if kind_of_error == "value_error":
        return str(error["ctx"]["error"]), f"correct the value ({_DOCS})"
    if kind_of_error in ("string_too_short", "too_short"):
        return "is empty", "write a value, or remove the key if it is optional"
    if kind_of_error == "string_pattern_mismatch":
        return (
            f"`{value}` is not a valid identifier",
            "use lower-case letters, digits and single hyphens, such as `talks-underway`",
        )
    if kind_of_error == "string_type":
        return f"expected text, found {_describe(value)}", 'write it as text; put it in double quotes if needed: "..."'
    if kind_of_error == "list_type":
        return f"expected a list, found {_describe(value)}", "write a list: `[A, B]`, or one `- item` per line"
    if kind_of_error in ("model_type", "dict_type", "model_attributes_type"):
        if isinstance(key, int):  # an entry of a list, such as `- Bloomberg` under sources:
            parent, model = _model_at(kind, loc)
            first = next(iter(model.model_fields))
            example = f"- {first}: {value}" if isinstance(value, str | int | float) else f"- {first}: ..."
            return (
                f"each entry of `{parent}` must be a set of `key: value` lines, found {_describe(value)}",
                f"write it as `{example}`, with its other keys on the lines below",
            )
        where = "the front matter" if not loc else f"`{key}`"
        return f"{where} must be a set of `key: value` lines, found {_describe(value)}", _DOCS
    if kind_of_error in ("int_type", "int_parsing", "int_from_float"):
        return f"expected a whole number, found {_describe(value)}", "write digits only, such as `12`"
    if kind_of_error in ("bool_type", "bool_parsing"):
        return f"expected true or false, found {_describe(value)}", "write `true` or `false`"
    return error["msg"], _DOCS


def _model_at(kind: str, loc: tuple) -> tuple[str, type[BaseModel]]:
    """The list or mapping key that holds the place `loc` names, and the schema of its entries."""
    keys = [p for p in loc[:-1] if isinstance(p, str)]
    parent = keys[-1] if keys else ""
    models = _MODELS[kind]
    return parent, models.get(".".join(keys[-2:]), models.get(parent, models[""]))


def _describe(value: object) -> str:
    if value is None:
        return "nothing"
    if isinstance(value, dict):
        return "a set of keys"
    if isinstance(value, list):
        return "a list"
    if isinstance(value, bool):
        return f"`{str(value).lower()}`"
    text = str(value)
    return f"`{text[:60]}{'…' if len(text) > 60 else ''}`"
