"""The Focus groups page on the demo warehouse, checked against the committed sample files.

Oracles: the demo's segments and sessions CSVs read here with the stdlib csv module (sessions,
passages and passages per code counted by hand); ``sklearn.metrics.cohen_kappa_score``
(scikit-learn 1.9, test-only) for the per-code kappa, and the De Vries et al. (2008) pooled
kappa worked from the same 0/1 vectors; the personal data written into the samples on purpose
(tests/fixtures/focus_group_samples.py) for the masking checks.
"""
from __future__ import annotations

import csv
from collections import defaultdict
from pathlib import Path

import pytest
from sklearn.metrics import cohen_kappa_score
from streamlit.runtime import memory_media_file_storage

from pipelines.vetting import VETTING_FILE, load_vetted
from tests.apptest import open_page
from tests.fixtures.focus_group_samples import SEGMENTS_FILE, SESSIONS_FILE

SAMPLES = Path(__file__).resolve().parents[1] / "data" / "samples"
PAGE = "pages/focus_groups.py"
PERIOD = {"period": "custom", "from": "2026-01-01", "to": "2026-09-30"}
UA_SESSIONS = {"CHU-2026-03-RES", "CHU-2026-05-YOUTH", "PECH-2026-06-POL", "CHU-RES-UNDATED"}

PERSONAL_UA = ("050-123-45-67", "sofiia.kravets@ukr.net", "Харківська, 5", "Петро", "Ірина", "Дмитро", "Тарас", "Надія")
PERSONAL_DK = ("20 45 67 89", "Vestergade 12", "120385-1234", "mette.kjaer@example.dk", "Jens", "Anne")


def _segments() -> list[dict]:
    with (SAMPLES / SEGMENTS_FILE).open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


def _participant_names() -> set[str]:
    with (SAMPLES / SESSIONS_FILE).open(encoding="utf-8", newline="") as handle:
        return {part.strip() for row in csv.DictReader(handle) for name in row["participants"].split(";") for part in name.split()}


def _texts(at) -> list[str]:
    texts = [e.value for e in (*at.markdown, *at.caption, *at.title, *at.metric)]
    for frame in at.dataframe:
        texts.extend(str(v) for v in frame.value.to_numpy().ravel())
        texts.extend(str(c) for c in frame.value.columns)
    return texts


def _table(at, column: str):
    return next(frame.value for frame in at.dataframe if column in frame.value.columns)


@pytest.mark.parametrize(("lang", "title", "passages"), [("da", "Fokusgrupper", "Kodede passager"), ("en", "Focus groups", "Coded passages"),
                                                         ("uk", "Фокус-групи", "Закодовані фрагменти")])
def test_page_counts_sessions_and_passages_in_three_languages(app_env, lang, title, passages):
    at = open_page(PAGE, query={"lang": lang, "area": "UA-63", **PERIOD})
    assert not at.exception, [e.value for e in at.exception]
    assert at.title[0].value.startswith(title)
    rows = [r for r in _segments() if r["session"] in UA_SESSIONS]
    metrics = {m.label: m.value for m in at.metric}
    assert metrics[passages] == str(len({(r["session"], r["segment"]) for r in rows}))  # 20
    assert len(at.get("plotly_chart")) == 2
    # the undated session is shown, with a note naming it
    assert any("CHU-RES-UNDATED" in c.value for c in at.caption)


def test_theme_table_equals_passages_per_group_and_code_in_the_sample(app_env):
    at = open_page(PAGE, query={"lang": "en", "area": "UA-63", **PERIOD})
    at.radio(key="focus__group_by").set_value("participant_group").run()
    assert not at.exception
    expected: dict[tuple[str, str], set] = defaultdict(set)
    for r in _segments():
        if r["session"] in UA_SESSIONS:
            for code in filter(None, r["codes"].split(";")):
                expected[(r["participant_group"], code)].add((r["session"], r["segment"]))
    table = _table(at, "Passages with the code")
    got = {(g, c): n for g, c, n in zip(table["Participant group"], table["Code"], table["Passages with the code"])}
    assert got == {key: len(value) for key, value in expected.items()}
    # the one-line summary names the most frequent theme with its count
    per_code: dict[str, set] = defaultdict(set)
    for (_, code), passages in expected.items():
        per_code[code] |= passages
    top_n = max(len(v) for v in per_code.values())
    # ties are broken by the code's name
    top_code = min(code for code, v in per_code.items() if len(v) == top_n)
    assert any(f"“{top_code}”: {top_n} of 20 passages" in m.value for m in at.markdown)


def test_kappa_matches_sklearn_and_the_pooled_formula(app_env):
    at = open_page(PAGE, query={"lang": "en", "area": "UA-63", **PERIOD})
    rows = [r for r in _segments() if r["session"] == "CHU-2026-03-RES"]
    segments = sorted({r["segment"] for r in rows})
    given = {(r["coder"], r["segment"]): set(filter(None, r["codes"].split(";"))) for r in rows}
    codes = sorted(set().union(*given.values()))
    per_code, p_o, p_e = {}, [], []
    for code in codes:
        a = [int(code in given[("OK", s)]) for s in segments]
        b = [int(code in given[("PS", s)]) for s in segments]
        per_code[code] = cohen_kappa_score(a, b)
        n = len(segments)
        p_o.append(sum(x == y for x, y in zip(a, b)) / n)
        pa, pb = sum(a) / n, sum(b) / n
        p_e.append(pa * pb + (1 - pa) * (1 - pb))
    pooled = (sum(p_o) / len(codes) - sum(p_e) / len(codes)) / (1 - sum(p_e) / len(codes))
    table = _table(at, "Kappa")
    assert table["Coder A"].tolist() == ["OK"] and table["Coder B"].tolist() == ["PS"]
    assert table["Kappa"].tolist() == [round(pooled, 3)]
    assert table["Passages"].tolist() == [len(segments)]
    codes_table = _table(at, "Only A")
    assert dict(zip(codes_table["Code"], codes_table["Kappa"])) == pytest.approx({c: round(k, 3) for c, k in per_code.items()})


@pytest.mark.parametrize(("area", "personal", "tokens"), [
    ("UA-63", PERSONAL_UA, {"[name]", "[phone]", "[e-mail]", "[address]"}),
    ("DK-PK02", PERSONAL_DK, {"[name]", "[phone]", "[e-mail]", "[address]", "[CPR]"}),
])
def test_every_kind_of_personal_data_is_masked_on_the_page_and_in_the_export(app_env, monkeypatch, area, personal, tokens):
    stored: dict[str, bytes] = {}
    original = memory_media_file_storage.MemoryMediaFileStorage.load_and_get_id

    def capture(self, path_or_data, mimetype, kind, filename=None):
        file_id = original(self, path_or_data, mimetype, kind, filename)
        if isinstance(path_or_data, bytes):
            stored[file_id] = path_or_data
        return file_id

    monkeypatch.setattr(memory_media_file_storage.MemoryMediaFileStorage, "load_and_get_id", capture)
    at = open_page(PAGE, query={"lang": "en", "area": area, **PERIOD})
    assert not at.exception
    page = "\n".join(_texts(at))
    assert not [p for p in personal if p in page]
    assert not [name for name in _participant_names() if f" {name} " in f" {page} " or f"{name}," in page]
    assert tokens <= {token for token in ("[name]", "[phone]", "[e-mail]", "[address]", "[CPR]") if token in page}

    url = at.get("download_button")[0].proto.url
    export = stored[url.rsplit("/", 1)[-1].split(".")[0]].decode("utf-8-sig")
    assert "Quote (masked)" in export.splitlines()[0]
    assert not [p for p in personal if p in export]
    assert tokens <= {token for token in ("[name]", "[phone]", "[e-mail]", "[address]", "[CPR]") if token in export}


def test_search_looks_only_at_masked_text(app_env):
    at = open_page(PAGE, query={"lang": "en", "area": "UA-63", **PERIOD})
    at.text_input(key="focus__search").set_value("Петро").run()
    assert any(m.value.startswith("0 quotes match") for m in at.markdown)
    at.text_input(key="focus__search").set_value("[phone]").run()
    assert any(m.value.startswith("1 quotes match") for m in at.markdown)


def test_vetting_a_quote_records_who_and_the_masked_text(app_env):
    path = app_env.state_dir / VETTING_FILE
    path.unlink(missing_ok=True)
    try:
        at = open_page(PAGE, query={"lang": "en", "area": "UA-63", **PERIOD})
        at.text_input(key="focus__search").set_value("[phone]").run()
        vet = [b for b in at.button if b.key and b.key.startswith("focus__vet__")]
        assert len(vet) == 1 and vet[0].disabled  # nobody named yet
        at.text_input(key="focus__vetter").set_value("AB").run()
        next(b for b in at.button if b.key and b.key.startswith("focus__vet__")).click().run()
        assert not at.exception
        record = load_vetted(path).row(0, named=True)
        assert (record["session_id"], record["vetted_by"]) == ("CHU-2026-03-RES", "AB")
        assert "[phone]" in record["masked_text"] and "050" not in record["masked_text"]
        assert any(m.value.startswith("1 quotes match; 1 of them are vetted") for m in at.markdown)
        next(b for b in at.button if b.key and b.key.startswith("focus__unvet__")).click().run()
        assert load_vetted(path).height == 0
    finally:
        path.unlink(missing_ok=True)
