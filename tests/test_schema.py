"""`microsite schema`: the JSON Schemas editors read are current, truthful and never written over
a user's own file.

The suite does not depend on a JSON Schema validator: the checks below read the schemas as
data and compare them with the models and validators they are generated from.
"""

from __future__ import annotations

import json
import os
import re

import pytest
from pydantic import BaseModel, ValidationError

from microsite.commands import schema
from microsite.dates import PartialDate
from microsite.errors import BuildFailed
from microsite.source import schema as models

REGENERATE = (
    "run `microsite schema --out microsite/schemas` (or, in this repository, "
    "`python build.py schema --out microsite/schemas`)"
)


def loaded() -> dict[str, dict]:
    return {name: json.loads(text) for name, text in schema.generate().items()}


def definition(document: dict, model: type[BaseModel]) -> dict:
    """The part of a schema document that describes `model`: one of its $defs, or the document itself."""
    return document.get("$defs", {}).get(model.__name__, document)


def string_pattern(prop: dict) -> str:
    """The pattern of the text a property takes (of its items, for a list)."""
    prop = prop.get("items", prop)
    branches = prop.get("anyOf", [prop])
    (text,) = [b for b in branches if b.get("type") == "string"]
    return text["pattern"]


def types(prop: dict) -> set[str]:
    return {b["type"] for b in prop.get("anyOf", [prop])}


# ---- the shipped copies -------------------------------------------------------------------


@pytest.mark.parametrize("name", list(schema.SCHEMAS))
def test_shipped_schema_is_current(name):
    shipped = schema.SHIPPED / name
    assert shipped.is_file(), f"{shipped} is missing: {REGENERATE}"
    assert shipped.read_bytes() == schema.generate()[name].encode("utf-8"), f"{shipped} is out of date: {REGENERATE}"


def test_nothing_else_is_shipped():
    assert sorted(p.name for p in schema.SHIPPED.glob("*.json")) == sorted(schema.SCHEMAS)


def test_generate_is_deterministic_json():
    first, second = schema.generate(), schema.generate()
    assert first == second
    for text in first.values():
        assert text.endswith("}\n")
        document = json.loads(text)
        assert document["$schema"] == "https://json-schema.org/draft/2020-12/schema"
        assert document["$comment"].startswith(schema.MARKER)
        assert "do not edit" in document["$comment"].lower()
        assert document["title"] and document["description"]


# ---- write(): never over a user's file ------------------------------------------------------


@pytest.mark.parametrize(
    "content",
    [
        b'{"title": "my own schema"}\n',
        b'{"$comment": "my notes"}',
        b"[1, 2]",
        b"not JSON at all",
        b"\xff\xfe binary",
        b"",
    ],
)
def test_write_refuses_a_file_it_did_not_write(tmp_path, content):
    mine = tmp_path / "site.schema.json"
    mine.write_bytes(content)
    with pytest.raises(BuildFailed) as failed:
        schema.write(tmp_path)
    (problem,) = failed.value.problems
    assert problem.file == mine
    assert "left as it is" in problem.message
    assert "move it" in problem.hint and "--out" in problem.hint
    assert mine.read_bytes() == content
    assert not (tmp_path / "front-matter.schema.json").exists()  # nothing is written when one is refused


def test_write_refuses_a_folder_in_the_way(tmp_path):
    (tmp_path / "front-matter.schema.json").mkdir()
    with pytest.raises(BuildFailed):
        schema.write(tmp_path)
    assert not (tmp_path / "site.schema.json").exists()


def test_write_refuses_an_out_that_is_a_file(tmp_path):
    out = tmp_path / "schemas"
    out.write_text("a file", encoding="utf-8")
    with pytest.raises(BuildFailed) as failed:
        schema.write(out)
    assert [p.file for p in failed.value.problems] == [out]
    assert out.read_text(encoding="utf-8") == "a file"


def test_write_makes_the_folder_and_writes_over_an_older_generated_schema(tmp_path):
    out = tmp_path / "editor" / "schemas"
    out.mkdir(parents=True)
    older = {"$comment": f"{schema.MARKER} by an older version. Do not edit it by hand.", "properties": {}}
    (out / "site.schema.json").write_text(json.dumps(older), encoding="utf-8")
    written = schema.write(out)
    assert written == [out / name for name in schema.SCHEMAS]
    for name, text in schema.generate().items():
        assert (out / name).read_bytes() == text.encode("utf-8")
    assert not [p for p in out.iterdir() if p.name.startswith(".")]  # no temporary file left


def test_write_leaves_a_current_schema_alone_but_still_names_it(tmp_path):
    schema.write(tmp_path)
    before = {name: os.stat(tmp_path / name) for name in schema.SCHEMAS}
    assert schema.write(tmp_path) == [tmp_path / name for name in schema.SCHEMAS]
    for name, stat in before.items():
        after = os.stat(tmp_path / name)
        assert (after.st_ino, after.st_mtime_ns) == (stat.st_ino, stat.st_mtime_ns)


# ---- the schemas say what the models say ----------------------------------------------------

MODELS = [
    (models.SiteFile, "site.schema.json"),
    (models.CompanyEntry, "site.schema.json"),
    (models.SourceEntry, "site.schema.json"),
    (models.StoryEntry, "site.schema.json"),
    (models.FrontMatter, "front-matter.schema.json"),
    (models.SourceRef, "front-matter.schema.json"),
    (models.ClaimEntry, "front-matter.schema.json"),
    (models.CommentsEntry, "front-matter.schema.json"),
    (models.CommentEntry, "front-matter.schema.json"),
]


def test_top_level_keys():
    documents = loaded()
    site, page = documents["site.schema.json"], documents["front-matter.schema.json"]
    assert {"title", "companies", "sources"} <= set(site["properties"])
    assert {"claims", "sources", "companies", "comments"} <= set(page["properties"])
    assert set(site["required"]) == {"title", "description", "companies", "sources"}
    assert set(page["required"]) == {"title", "date_note", "seed"}


@pytest.mark.parametrize(("model", "file"), MODELS, ids=[m.__name__ for m, _ in MODELS])
def test_every_key_of_every_model(model, file):
    part = definition(loaded()[file], model)
    assert list(part["properties"]) == list(model.model_fields)
    required = [name for name, field in model.model_fields.items() if field.is_required()]
    assert sorted(part.get("required", [])) == sorted(required)
    if model.model_config.get("extra") == "forbid":
        assert part["additionalProperties"] is False  # an editor flags a misspelt key, as `check` does
    for name, prop in part["properties"].items():
        assert prop.get("description"), f"{model.__name__}.{name} has no description: add one to DESCRIPTIONS"


def test_descriptions_name_only_real_keys():
    for model, texts in schema.DESCRIPTIONS.items():
        assert set(texts) == set(model.model_fields), model.__name__


def test_choices_come_from_the_validators():
    page, site = loaded()["front-matter.schema.json"], loaded()["site.schema.json"]
    assert definition(page, models.ClaimEntry)["properties"]["status"]["enum"] == list(models.CLAIM_STATUSES)
    assert definition(page, models.CommentEntry)["properties"]["stance"]["enum"] == list(models.STANCES)
    assert definition(site, models.CompanyEntry)["properties"]["kind"]["enum"] == list(models.COMPANY_KINDS)
    assert definition(site, models.SourceEntry)["properties"]["kind"]["enum"] == list(models.SOURCE_KINDS)
    (named,) = [b for b in definition(page, models.SourceRef)["properties"]["kind"]["anyOf"] if "enum" in b]
    assert named["enum"] == [*models.SOURCE_KINDS, models.ANONYMOUS, models.OWN_VOICE]


def test_scalars_as_yaml_writes_them():
    page, site = loaded()["front-matter.schema.json"], loaded()["site.schema.json"]
    fields = page["properties"]
    # A number or true/false in a text field is kept as written (`title: 1984`).
    assert types(fields["title"]) == {"string", "number", "boolean"}
    assert types(fields["publisher"]) == {"string", "number", "boolean", "null"}
    # Flags take only true and false; counts only whole numbers.
    assert types(fields["draft"]) == {"boolean"}
    assert types(site["properties"]["search"]) == {"boolean"}
    assert types(definition(page, models.CommentEntry)["properties"]["votes"]) == {"integer", "null"}
    # A date is text to YAML 1.2 (2019-05), but a year alone is a number (2019).
    (year,) = [b for b in fields["published"]["anyOf"] if b["type"] == "integer"]
    assert (year["minimum"], year["maximum"]) == (1000, 9999)
    # One author may be written without brackets.
    assert types(fields["authors"]) == {"string", "array"}
    # A slug may be a number to YAML (`id: 12`).
    assert "integer" in types(definition(page, models.ClaimEntry)["properties"]["id"])


# Each string pattern must agree with the validator on text, which JSON Schema and the validators
# both see. Each key's texts are tried with "", " ", "a b" and the first padded with spaces. (Impossible
# dates and times such as 2019-02-30 or T25:00 are left out: the validators check them against the
# calendar, which a pattern cannot.)
TEXTS = {
    ("FrontMatter", "published"): "2019 2019-05 2019-05-01 2019-13 2019-00 2019-05-32 19 May 2019/05 2019-5 20190501",
    ("ClaimEntry", "due"): "2019 2019-05 2019-05-01 2019-13 2019-00 2019-05-32 19 May 2019/05 2019-5 20190501",
    ("FrontMatter", "accessed"): "2024-05-01 2024-05-01T12:30:00Z 2024-05-01T12:30 2024-05-01T12:30:00.5+02:00 "
    "2024-05-01T12 2024-5-1 yesterday",
    ("FrontMatter", "url"): "https://example.com HTTP://Example.com/a?b#c https:// https:///x ftp://example.com "
    "example.com mailto:a@example.com",
    ("FrontMatter", "language"): "en zh-Hans pt-BR zh-Hant-TW es-419 english e en_GB",
    ("FrontMatter", "sha256"): f"{'a' * 64} {'A' * 64} {'0f' * 32} {'a' * 63} {'g' * 64}",
    ("FrontMatter", "story"): "us-talks-2017 a 12 Us-talks a--b -a a-",
    ("ClaimEntry", "id"): "talks-underway 1 Talks talks_underway",
    ("SourceEntry", "domains"): "phonearena.com www.PhoneArena.com a.b.c localhost https://x.com x.com/path",
    ("FrontMatter", "title"): "headline 1984",
    ("FrontMatter", "authors"): "Jane",
}
_VALID = {
    "FrontMatter": {"title": "T", "date_note": "n", "seed": "s.txt"},
    "ClaimEntry": {"id": "a", "statement": "s", "quote": "q", "source": "x", "status": "reported"},
    "SourceEntry": {"name": "x", "kind": "outlet"},
}


def _accepted(model: type[BaseModel], key: str, value: str) -> bool:
    data = {**_VALID[model.__name__], key: [value] if key == "domains" else value}
    try:
        model.model_validate(data)
    except ValidationError:
        return False
    return True


@pytest.mark.parametrize(("where", "texts"), TEXTS.items(), ids=[".".join(w) for w in TEXTS])
def test_patterns_agree_with_the_validators(where, texts):
    model = getattr(models, where[0])
    file = "site.schema.json" if model is models.SourceEntry else "front-matter.schema.json"
    pattern = string_pattern(definition(loaded()[file], model)["properties"][where[1]])
    for text in [*texts.split(), "", " ", f" {texts.split()[0]} ", "a b"]:
        assert (re.search(pattern, text) is not None) == _accepted(model, where[1], text), (where, text)


def test_date_pattern_takes_what_partial_date_takes():
    pattern = string_pattern(loaded()["front-matter.schema.json"]["properties"]["published"])
    for text in ["1999", "2000-01", "2000-12-31", "2016-02-29", "2019-02-28"]:
        assert PartialDate.parse(text) and re.search(pattern, text)
