"""The priority register file: stored outside the warehouse, validated, exportable."""
from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from pipelines.priorities import PriorityInvalid, add_action, add_priority, export_frame, list_actions, list_priorities, register_path

TODAY = date(2025, 10, 1)


def test_priority_and_actions_round_trip(tmp_path: Path) -> None:
    path = register_path(tmp_path / "state")
    first = add_priority(path, area_code="DK-K0316", measure_code="burglary", text="  Færre  indbrud i Holbæk ", agreed_on=date(2025, 3, 4), today=TODAY)
    assert first.text == "Færre indbrud i Holbæk"
    add_action(path, priority_id=first.priority_id, done_on=date(2025, 4, 2), text="Nabohjælp-møde", who="Lokalpolitiet", today=TODAY)
    second = add_priority(path, area_code="DK-PK08", measure_code="violence", text="Tryg nattetrafik", agreed_on=date(2025, 6, 1), today=TODAY)
    assert [p.priority_id for p in list_priorities(path)] == [second.priority_id, first.priority_id]
    assert [p.area_code for p in list_priorities(path, area_codes=("DK-K0316",))] == ["DK-K0316"]
    assert [a.text for a in list_actions(path)] == ["Nabohjælp-møde"]
    exported = export_frame(path)
    assert exported.height == 2
    assert exported["action"].to_list() == ["Nabohjælp-møde", None]


def test_missing_register_is_empty(tmp_path: Path) -> None:
    path = register_path(tmp_path)
    assert list_priorities(path) == () and export_frame(path).height == 0


@pytest.mark.parametrize(
    ("kwargs", "field", "reason"),
    [
        ({"text": "   "}, "text", "a text is required"),
        ({"text": "x" * 501}, "text", "at most 500 characters"),
        ({"agreed_on": date(2026, 1, 1)}, "agreed_on", "in the future"),
        ({"agreed_on": date(1999, 12, 31)}, "agreed_on", "before 2000-01-01"),
        ({"area_code": ""}, "area_code", "an area is required"),
        ({"measure_code": " "}, "measure_code", "a statistic"),
        ({"measure_kind": "survey"}, "measure_kind", "is not one of"),
    ],
)
def test_bad_priority_is_rejected_with_field_and_reason(tmp_path: Path, kwargs: dict, field: str, reason: str) -> None:
    path = register_path(tmp_path)
    args = {"area_code": "DK-PK08", "measure_code": "burglary", "text": "Færre indbrud", "agreed_on": date(2025, 3, 4)} | kwargs
    with pytest.raises(PriorityInvalid) as caught:
        add_priority(path, today=TODAY, **args)
    assert caught.value.field == field and reason in caught.value.reason
    assert list_priorities(path) == ()


def test_bad_action_is_rejected(tmp_path: Path) -> None:
    path = register_path(tmp_path)
    priority = add_priority(path, area_code="DK-PK08", measure_code="burglary", text="Færre indbrud", agreed_on=date(2025, 3, 4), today=TODAY)
    with pytest.raises(PriorityInvalid, match="before the priority was agreed"):
        add_action(path, priority_id=priority.priority_id, done_on=date(2025, 3, 1), text="Møde", who="Politiet", today=TODAY)
    with pytest.raises(PriorityInvalid, match="there is no priority 99"):
        add_action(path, priority_id=99, done_on=date(2025, 4, 1), text="Møde", who="Politiet", today=TODAY)
    with pytest.raises(PriorityInvalid) as caught:
        add_action(path, priority_id=priority.priority_id, done_on=date(2025, 4, 1), text="Møde", who="", today=TODAY)
    assert caught.value.field == "who"
    assert list_actions(path) == ()
