"""Survey descriptions: the small TOML that travels with a respondent-level file.

A data file (``.sav``, ``.dta``, ``.csv``, ``.xlsx``) says nothing about which column is the
weight, which answers count as "trust", or what the question said in Danish, so every
respondent file needs a description. **How it travels** (one rule for the command line and the
upload page):

- The description is a file named ``<data file name>.survey.toml`` (``trust.sav.survey.toml``)
  or ``<data file stem>.survey.toml`` (``trust.survey.toml``) **in the same folder** as the data
  file, ingested in the same command (or uploaded in the same upload: the page writes all files
  of one upload into one folder).
- The data file's reader reads the description beside it and rejects the data file, naming the
  expected description file, when there is none. The description's wording, waves and item bank
  are stored with the data file's rows, so a data file alone always carries what it was read with.
- The description is also a kind of its own (``survey_description``): ingesting a newer
  description later updates wording, fieldwork dates, top boxes and the item bank (the latest
  loaded description wins per survey, wave and item). Variable choices (weight, area, items kept)
  take effect when a data file is read.

The format is documented in ``data/surveys/README.md`` (``DESCRIPTION_FORMAT`` below is the
same text, checked by a test).
"""
from __future__ import annotations

import hashlib
import json
import re
import tomllib
from dataclasses import dataclass
from datetime import date
from pathlib import Path

import polars as pl

from pipelines.errors import IngestRejected
from pipelines.readers.base import ParsedFile

SUFFIX = ".survey.toml"
SAMPLE_TYPES = ("probability", "opt-in")
SCALES = ("binary", "4-point", "5-point", "0-10", "0-100", "categorical", "numeric")
LANGS = ("da", "en", "uk")

RAW_SURVEY_DESCRIPTIONS: dict[str, pl.DataType] = {
    "survey_id": pl.Utf8,
    "survey_name": pl.Utf8,
    "mode": pl.Utf8,
    "sample_type": pl.Utf8,
    "country": pl.Utf8,
    "weight_variable": pl.Utf8,
    "strata_variable": pl.Utf8,
    "psu_variable": pl.Utf8,
    "source": pl.Utf8,
    "description_sha256": pl.Utf8,  # of the TOML text, so two loads of one description are one
}
RAW_SURVEY_WAVES: dict[str, pl.DataType] = {
    "survey_id": pl.Utf8,
    "wave": pl.Utf8,
    "wave_label": pl.Utf8,
    "wave_order": pl.Int64,
    "fieldwork_start": pl.Date,
    "fieldwork_end": pl.Date,
}
RAW_SURVEY_ITEM_DEFS: dict[str, pl.DataType] = {
    "survey_id": pl.Utf8,
    "item": pl.Utf8,  # the variable name in snake_case, as in raw_survey_answers
    "role": pl.Utf8,  # 'item' (a question) or 'breakdown' (a demographic)
    "indicator": pl.Utf8,  # common indicator of the item bank (NULL for breakdowns)
    "scale": pl.Utf8,
    "top_box": pl.Utf8,  # JSON list of the codes that count as "trust"/top box
    "wording_da": pl.Utf8,
    "wording_en": pl.Utf8,
    "wording_uk": pl.Utf8,
}
DESCRIPTION_SCHEMAS = {
    "raw_survey_descriptions": RAW_SURVEY_DESCRIPTIONS,
    "raw_survey_waves": RAW_SURVEY_WAVES,
    "raw_survey_item_defs": RAW_SURVEY_ITEM_DEFS,
}
RAW_SCHEMAS = DESCRIPTION_SCHEMAS

DESCRIPTION_FORMAT = """\
| key | required | meaning |
|---|---|---|
| `[survey] id` | yes | Survey identifier: lower-case letters, digits and `_` (e.g. `chuhuiv_trust_2017`). |
| `[survey] name` | yes | The survey's name as shown on the page. |
| `[survey] mode` | yes | Data collection mode (e.g. `face-to-face`, `telephone`, `web`, `mixed`). |
| `[survey] sample_type` | yes | `probability` or `opt-in`; estimates from the two are never compared without a warning. |
| `[survey] weight` | no | Weight variable; without it every respondent weighs 1. |
| `[survey] strata`, `psu` | no | Stratum and primary sampling unit variables, for design-based standard errors. |
| `[survey] respondent_id` | no | Respondent identifier variable; the record number otherwise. |
| `[survey] encoding` | no | Declared text encoding of the data file; latin-1 is tried next, with a notice. |
| `[survey] country`, `source` | no | Country code and provenance text. |
| `[wave] variable` or `[wave] fixed` | yes | The variable holding the wave, or the one wave id of the whole file. |
| `[[waves]] id, label` | yes | One entry per wave: its id (as stored), its label, and with `[wave] variable` the `value` it has in the data. |
| `[[waves]] fieldwork_start, fieldwork_end` | no | Fieldwork dates (TOML dates, `2017-01-16`). |
| `[area] variable` or `[area] fixed` | no | The variable holding the area, or one area for the whole file. |
| `[area.map]` | no | Value → area code or area name (`"1" = "UA-63-CHUHUIV-CITY"`); unmapped values use their value label. |
| `[[items]] variable, indicator, scale` | yes | A question to keep; `indicator` names the common indicator (item bank, e.g. `trust_police`); `scale` is one of binary, 4-point, 5-point, 0-10, 0-100, categorical, numeric. |
| `[[items]] top_box` | no | The answer codes that count as "trust"/top box, e.g. `[3, 4]`; the page shows their weighted share. |
| `[[items]] missing` | no | User-missing codes for CSV/XLSX (SPSS and Stata files declare their own). |
| `[[items]] wording` | yes | The question in `da`, `en` and `uk` (`wording = { da = "…", en = "…", uk = "…" }`). |
| `[[breakdowns]] variable, name` | no | A demographic to break estimates down by; `name` in da/en/uk; `bins = [15, 30, 45]` groups a numeric variable. |"""


@dataclass(frozen=True)
class Wave:
    id: str
    label: str
    value: str | None
    fieldwork_start: date | None
    fieldwork_end: date | None


@dataclass(frozen=True)
class Item:
    variable: str
    indicator: str
    scale: str
    top_box: tuple[float, ...]
    missing: tuple[float, ...]
    wording: dict[str, str]


@dataclass(frozen=True)
class Breakdown:
    variable: str
    name: dict[str, str]
    bins: tuple[float, ...]


@dataclass(frozen=True)
class SurveyDescription:
    """A parsed, checked survey description (see the module docstring)."""

    survey_id: str
    name: str
    mode: str
    sample_type: str
    country: str | None
    weight: str | None
    strata: str | None
    psu: str | None
    respondent_id: str | None
    encoding: str | None
    source: str | None
    wave_variable: str | None
    wave_fixed: str | None
    waves: tuple[Wave, ...]
    area_variable: str | None
    area_fixed: str | None
    area_map: dict[str, str]
    items: tuple[Item, ...]
    breakdowns: tuple[Breakdown, ...]
    sha256: str
    file_name: str


def snake_case(name: str) -> str:
    """A variable name as stored in the warehouse: lower-case, non-alphanumerics as ``_``."""
    out = re.sub(r"[^0-9a-zA-Z]+", "_", name.strip()).strip("_").lower()
    return out or "var"


def description_for(data_path: Path) -> Path | None:
    """The description beside a data file (``<name>.survey.toml`` or ``<stem>.survey.toml``)."""
    for candidate in (data_path.with_name(data_path.name + SUFFIX), data_path.with_name(data_path.stem + SUFFIX)):
        if candidate.is_file():
            return candidate
    return None


def _line_of(text: str, needle: str) -> int | None:
    for number, line in enumerate(text.splitlines(), start=1):
        if needle in line:
            return number
    return None


def _text(table: dict, key: str, *, file: str, where: str, raw: str, required: bool = True) -> str | None:
    value = table.get(key)
    if value is None or (isinstance(value, str) and not value.strip()):
        if required:
            raise IngestRejected(file, f"'{key}' is required in {where}", line=_line_of(raw, f"[{where.split(' ')[0]}") or 1, column=key)
        return None
    if not isinstance(value, (str, int, float)):
        raise IngestRejected(file, f"'{key}' in {where} must be text", line=_line_of(raw, key), column=key)
    return str(value).strip()


def _numbers(value, *, file: str, key: str, raw: str) -> tuple[float, ...]:
    if value is None:
        return ()
    if not isinstance(value, list) or not all(isinstance(v, (int, float)) and not isinstance(v, bool) for v in value):
        raise IngestRejected(file, f"'{key}' must be a list of numbers", line=_line_of(raw, key), column=key)
    return tuple(float(v) for v in value)


def _wording(value, *, file: str, key: str, raw: str, variable: str) -> dict[str, str]:
    if not isinstance(value, dict) or any(not isinstance(value.get(lang), str) or not value[lang].strip() for lang in LANGS):
        raise IngestRejected(
            file, f"'{key}' of {variable} needs text in da, en and uk", line=_line_of(raw, variable), column=key,
            hint='Write e.g. wording = { da = "...", en = "...", uk = "..." }',
        )
    return {lang: value[lang].strip() for lang in LANGS}


def _date(value, *, file: str, key: str, raw: str) -> date | None:
    if value is None:
        return None
    if isinstance(value, date):
        return value
    try:
        return date.fromisoformat(str(value))
    except ValueError:
        raise IngestRejected(file, f"'{value}' is not a date (YYYY-MM-DD)", line=_line_of(raw, key), column=key) from None


def parse_description(path: Path) -> SurveyDescription:
    """Read and check a ``.survey.toml`` description.

    Args:
        path: the description file.

    Returns:
        The description.

    Raises:
        IngestRejected: naming the line and key of the first problem (TOML syntax errors carry
            the parser's line).
    """
    file = path.name
    raw_bytes = path.read_bytes()
    try:
        raw = raw_bytes.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise IngestRejected(file, "a survey description must be UTF-8 text", line=1) from None
    try:
        doc = tomllib.loads(raw)
    except tomllib.TOMLDecodeError as exc:
        match = re.search(r"line (\d+), column (\d+)", str(exc))
        raise IngestRejected(
            file, f"not valid TOML ({exc})", line=int(match.group(1)) if match else None, column=match.group(2) if match else None
        ) from None
    survey = doc.get("survey")
    if not isinstance(survey, dict):
        raise IngestRejected(file, "the [survey] table is missing", line=1, column="survey")
    survey_id = _text(survey, "id", file=file, where="survey", raw=raw)
    if not re.fullmatch(r"[a-z0-9_]+", survey_id):
        raise IngestRejected(file, f"survey id '{survey_id}' may only hold a-z, 0-9 and _", line=_line_of(raw, "id"), column="id")
    sample_type = _text(survey, "sample_type", file=file, where="survey", raw=raw)
    if sample_type not in SAMPLE_TYPES:
        raise IngestRejected(file, f"sample_type '{sample_type}' is not one of {', '.join(SAMPLE_TYPES)}", line=_line_of(raw, "sample_type"), column="sample_type")

    wave_table = doc.get("wave") or {}
    wave_variable = _text(wave_table, "variable", file=file, where="wave", raw=raw, required=False)
    wave_fixed = _text(wave_table, "fixed", file=file, where="wave", raw=raw, required=False)
    if (wave_variable is None) == (wave_fixed is None):
        raise IngestRejected(file, "give exactly one of [wave] variable or [wave] fixed", line=_line_of(raw, "[wave]") or 1, column="wave")
    waves = []
    for number, entry in enumerate(doc.get("waves") or [], start=1):
        where = f"waves entry {number}"
        wave_id = _text(entry, "id", file=file, where=where, raw=raw)
        value = entry.get("value")
        if wave_variable is not None and value is None:
            raise IngestRejected(file, f"wave '{wave_id}' needs the 'value' it has in {wave_variable}", line=_line_of(raw, wave_id), column="value")
        waves.append(
            Wave(
                wave_id,
                _text(entry, "label", file=file, where=where, raw=raw),
                None if value is None else _key(value),
                _date(entry.get("fieldwork_start"), file=file, key="fieldwork_start", raw=raw),
                _date(entry.get("fieldwork_end"), file=file, key="fieldwork_end", raw=raw),
            )
        )
    if not waves:
        raise IngestRejected(file, "at least one [[waves]] entry is required", line=1, column="waves")
    if wave_fixed is not None and wave_fixed not in {w.id for w in waves}:
        raise IngestRejected(file, f"the fixed wave '{wave_fixed}' has no [[waves]] entry", line=_line_of(raw, "fixed"), column="fixed")

    area_table = doc.get("area") or {}
    area_map = area_table.get("map") or {}
    items = []
    for number, entry in enumerate(doc.get("items") or [], start=1):
        where = f"items entry {number}"
        variable = _text(entry, "variable", file=file, where=where, raw=raw)
        scale = _text(entry, "scale", file=file, where=where, raw=raw)
        if scale not in SCALES:
            raise IngestRejected(file, f"scale '{scale}' of {variable} is not one of {', '.join(SCALES)}", line=_line_of(raw, scale), column="scale")
        items.append(
            Item(
                variable,
                _text(entry, "indicator", file=file, where=where, raw=raw),
                scale,
                _numbers(entry.get("top_box"), file=file, key="top_box", raw=raw),
                _numbers(entry.get("missing"), file=file, key="missing", raw=raw),
                _wording(entry.get("wording"), file=file, key="wording", raw=raw, variable=variable),
            )
        )
    if not items:
        raise IngestRejected(file, "at least one [[items]] entry is required", line=1, column="items")
    breakdowns = []
    for number, entry in enumerate(doc.get("breakdowns") or [], start=1):
        variable = _text(entry, "variable", file=file, where=f"breakdowns entry {number}", raw=raw)
        breakdowns.append(
            Breakdown(variable, _wording(entry.get("name"), file=file, key="name", raw=raw, variable=variable), _numbers(entry.get("bins"), file=file, key="bins", raw=raw))
        )
    names = [snake_case(i.variable) for i in items] + [snake_case(b.variable) for b in breakdowns]
    if len(set(names)) != len(names):
        raise IngestRejected(file, "an item or breakdown variable is listed twice", line=1, column="items")
    return SurveyDescription(
        survey_id=survey_id,
        name=_text(survey, "name", file=file, where="survey", raw=raw),
        mode=_text(survey, "mode", file=file, where="survey", raw=raw),
        sample_type=sample_type,
        country=_text(survey, "country", file=file, where="survey", raw=raw, required=False),
        weight=_text(survey, "weight", file=file, where="survey", raw=raw, required=False),
        strata=_text(survey, "strata", file=file, where="survey", raw=raw, required=False),
        psu=_text(survey, "psu", file=file, where="survey", raw=raw, required=False),
        respondent_id=_text(survey, "respondent_id", file=file, where="survey", raw=raw, required=False),
        encoding=_text(survey, "encoding", file=file, where="survey", raw=raw, required=False),
        source=_text(survey, "source", file=file, where="survey", raw=raw, required=False),
        wave_variable=wave_variable,
        wave_fixed=wave_fixed,
        waves=tuple(waves),
        area_variable=_text(area_table, "variable", file=file, where="area", raw=raw, required=False),
        area_fixed=_text(area_table, "fixed", file=file, where="area", raw=raw, required=False),
        area_map={_key(k): str(v) for k, v in area_map.items()},
        items=tuple(items),
        breakdowns=tuple(breakdowns),
        sha256=hashlib.sha256(raw_bytes).hexdigest(),
        file_name=file,
    )


def _key(value: object) -> str:
    """A data value as a lookup key: whole numbers without ``.0`` (1, 1.0 and "1" meet)."""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    text = str(value).strip()
    try:
        number = float(text)
    except ValueError:
        return text
    return str(int(number)) if number.is_integer() else text


def description_tables(description: SurveyDescription) -> dict[str, pl.DataFrame]:
    """The description as rows of the three description raw tables."""
    d = description
    surveys = pl.DataFrame(
        [{
            "survey_id": d.survey_id, "survey_name": d.name, "mode": d.mode, "sample_type": d.sample_type,
            "country": d.country, "weight_variable": d.weight, "strata_variable": d.strata,
            "psu_variable": d.psu, "source": d.source, "description_sha256": d.sha256,
        }],
        schema=RAW_SURVEY_DESCRIPTIONS,
    )
    waves = pl.DataFrame(
        [
            {"survey_id": d.survey_id, "wave": w.id, "wave_label": w.label, "wave_order": order,
             "fieldwork_start": w.fieldwork_start, "fieldwork_end": w.fieldwork_end}
            for order, w in enumerate(d.waves, start=1)
        ],
        schema=RAW_SURVEY_WAVES,
    )
    defs = [
        {"survey_id": d.survey_id, "item": snake_case(i.variable), "role": "item", "indicator": i.indicator,
         "scale": i.scale, "top_box": json.dumps(list(i.top_box)),
         **{f"wording_{lang}": i.wording[lang] for lang in LANGS}}
        for i in d.items
    ] + [
        {"survey_id": d.survey_id, "item": snake_case(b.variable), "role": "breakdown", "indicator": None,
         "scale": "categorical", "top_box": "[]", **{f"wording_{lang}": b.name[lang] for lang in LANGS}}
        for b in d.breakdowns
    ]
    return {
        "raw_survey_descriptions": surveys,
        "raw_survey_waves": waves,
        "raw_survey_item_defs": pl.DataFrame(defs, schema=RAW_SURVEY_ITEM_DEFS),
    }


def sniff_survey_description(path: Path, head: str) -> bool:
    return path.name.lower().endswith(SUFFIX)


def read_survey_description(path: Path) -> ParsedFile:
    """A description ingested on its own: updates wording, waves and the item bank."""
    description = parse_description(path)
    return ParsedFile(format="survey-toml", tables=description_tables(description))
