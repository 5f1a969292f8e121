"""Each rule the schema cannot express, on its own, through the Python API (brief.rules.check)."""

from __future__ import annotations

from typing import Any

from brief.format.rules import RULES, check


def brief(**fields: Any) -> dict[str, Any]:
    base: dict[str, Any] = {
        "actors": [
            {"id": "france", "name": "France", "kind": "state"},
            {"id": "mali", "name": "Mali", "kind": "state"},
        ],
        "issues": [{"id": "wagner-deal", "statement": "A Mali–Wagner security partnership"}],
        "sources": [{"id": "reuters", "title": "Deal close"}],
    }
    base.update(fields)
    return base


def codes(data: dict[str, Any]) -> list[tuple[tuple[Any, ...], str]]:
    return [(p.path, p.rule) for p in check(data)]


def test_a_coherent_brief_has_no_problem() -> None:
    data = brief(
        positions=[{"actor": "france", "issue": "wagner-deal", "stance": "opposes", "sources": ["reuters"]}],
        relations=[{"actors": ["mali", "france"], "kind": "tension", "sources": ["reuters"]}],
        key_judgments=[{"statement": "s", "sources": ["reuters"]}],
        figures=[{"label": "troops", "value": 5100, "sources": ["reuters"]}],
        date="2021-09-20",
        updated="2021-09-21",
    )
    assert codes(data) == []


def test_duplicate_id_across_sections() -> None:
    data = brief(sources=[{"id": "france", "title": "x"}])
    assert codes(data) == [(("sources", 0, "id"), "duplicate-id")]


def test_unresolved_references_everywhere() -> None:
    data = brief(
        actors=[{"id": "mali", "name": "Mali", "kind": "state", "affiliations": [{"actor": "russia"}]}],
        positions=[{"actor": "france", "issue": "wagner", "stance": "opposes", "sources": ["afp"]}],
        relations=[{"actors": ["mali", "niger"], "kind": "tension"}],
        key_judgments=[{"statement": "s", "sources": ["bbc"]}],
        figures=[{"label": "l", "value": 1, "sources": ["rfi"]}],
    )
    assert codes(data) == [
        (("actors", 0, "affiliations", 0, "actor"), "unresolved-reference"),
        (("positions", 0, "actor"), "unresolved-reference"),
        (("positions", 0, "issue"), "unresolved-reference"),
        (("positions", 0, "sources", 0), "unresolved-reference"),
        (("relations", 0, "actors", 1), "unresolved-reference"),
        (("key_judgments", 0, "sources", 0), "unresolved-reference"),
        (("figures", 0, "sources", 0), "unresolved-reference"),
    ]


def test_unresolved_reference_suggests_the_nearest_id() -> None:
    (problem,) = check(brief(positions=[{"actor": "frnace", "issue": "wagner-deal", "stance": "opposes"}]))
    assert problem.message == "no actor with id 'frnace'; did you mean 'france'?"


def test_self_references() -> None:
    data = brief(
        actors=[{"id": "wagner", "name": "Wagner", "kind": "other", "affiliations": [{"actor": "wagner"}]}],
        relations=[{"actors": ["wagner", "wagner"], "kind": "tension"}],
    )
    assert codes(data) == [
        (("actors", 0, "affiliations", 0, "actor"), "self-reference"),
        (("relations", 0, "actors"), "self-reference"),
    ]


def test_duplicate_position() -> None:
    position = {"actor": "france", "issue": "wagner-deal", "stance": "opposes"}
    assert codes(brief(positions=[position, {**position, "stance": "supports"}])) == [
        (("positions", 1), "duplicate-position")
    ]


def test_date_order() -> None:
    assert codes(brief(date="2021-09-20", updated="2021-09-19")) == [(("updated",), "date-order")]
    assert codes(brief(date="2021-09-20", updated="2021-09-20")) == []


def test_rules_survive_wrongly_typed_data() -> None:
    data = {"actors": "none", "positions": [1, None, {"actor": 3}], "relations": [{"actors": "x"}], "updated": 5}
    assert check(data) == []


def test_every_rule_is_documented_in_the_registry() -> None:
    assert set(RULES) == {
        "duplicate-id",
        "unresolved-reference",
        "self-reference",
        "duplicate-position",
        "date-order",
        "duplicate-brief-id",
    }
