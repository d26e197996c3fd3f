"""Published survey aggregates where no microdata exist: one raw table, ``raw_survey_published``.

Formats:

- ``survey_published`` template (CSV/XLSX): what a district types in from a report
  (``data/templates/survey_published.csv``).
- Tryghedsundersøgelsen figures as collected in ``dk_tryghed/tryghedsundersoegelse_published_figures.csv``
  (percent per police district, municipality or country and survey year; ``n_respondents``
  where the source gave it).
- Ukrainian national polls on trust in the police (``ua_trust_police/…published.csv``): trust and
  distrust totals and the balance, per institution and fieldwork period.
- Chicago Police Sentiment Scores (``chicago_sentiment/Police_Sentiment_Scores.csv``):
  **0–100 means** (average answer × 10), not percentages, from opt-in digital recruitment
  (Elucd); US dates; city, area, district and sector rows, with demographic breakdowns
  (``T_SEX_FEMALE`` → breakdown ``sex`` = ``female``). No n is published.

Every row carries its statistic (``percent``, ``mean`` or ``balance``), scale and sample type, so
the page can apply the comparability rule and say "n not published" where n is missing.
"""
from __future__ import annotations

import csv
import io
import re
from datetime import date, datetime
from pathlib import Path

import polars as pl

from pipelines.errors import IngestRejected
from pipelines.readers.base import ParsedFile
from pipelines.readers.template import TemplateColumn, TemplateSpec, read_template, sniff_template

RAW_SURVEY_PUBLISHED: dict[str, pl.DataType] = {
    "source": pl.Utf8,  # short id of the publication series, e.g. 'dk_tryghedsundersoegelse'
    "survey_name": pl.Utf8,
    "indicator": pl.Utf8,  # common indicator of the item bank (trust_police, feel_safe_neighbourhood…)
    "area_label": pl.Utf8,  # staging resolves it to an area code
    "breakdown": pl.Utf8,  # NULL for all respondents, else e.g. 'sex'
    "breakdown_value": pl.Utf8,
    "wave_label": pl.Utf8,  # the period as published ('2021', '2017-05-26/2017-06-01', 'year not stated')
    "period_start": pl.Date,  # NULL when the source does not state the period
    "period_end": pl.Date,
    "statistic": pl.Utf8,  # 'percent', 'mean' or 'balance' (percent trusting minus distrusting)
    "value": pl.Float64,
    "n": pl.Int64,  # NULL: n not published
    "scale": pl.Utf8,
    "sample_type": pl.Utf8,
    "is_approximate": pl.Boolean,  # the source rounded or gave the figure in words
    "source_url": pl.Utf8,
    "note": pl.Utf8,
}
RAW_SCHEMAS = {"raw_survey_published": RAW_SURVEY_PUBLISHED}

STATISTICS = ("percent", "mean", "balance")
SCALES = ("binary", "4-point", "5-point", "0-10", "0-100")
SAMPLE_TYPES = ("probability", "opt-in")

PUBLISHED_TEMPLATE = TemplateSpec(
    name="survey_published",
    description="Published survey figures (a report's percentages or means) per area, indicator and period.",
    columns=(
        TemplateColumn("source", "text", "Short name of the survey or report series (e.g. Tryghedsundersøgelsen)."),
        TemplateColumn("indicator", "text", "Common indicator: trust_police, distrust_police, feel_safe_neighbourhood, feel_unsafe_neighbourhood or your own."),
        TemplateColumn("area", "text", "Area name or code (e.g. Østjyllands Politi, Aarhus, Chuhuiv)."),
        TemplateColumn("period", "period", "Survey period: 2023 (year), 2023H1, 2023K1 or 2023M05."),
        TemplateColumn("statistic", "text", "What the value is.", allowed=STATISTICS),
        TemplateColumn("value", "float", "The published figure: percent (0–100), mean on the scale, or balance in points.", min_value=None),
        TemplateColumn("n", "int", "Number of respondents behind the figure; leave blank only if it was not published.", required=False),
        TemplateColumn("scale", "text", "Answer scale of the question.", allowed=SCALES),
        TemplateColumn("sample_type", "text", "How respondents were recruited.", allowed=SAMPLE_TYPES),
        TemplateColumn("breakdown", "text", "Demographic the figure is for (e.g. sex), blank for all respondents.", required=False),
        TemplateColumn("breakdown_value", "text", "The group (e.g. female), with breakdown.", required=False),
        TemplateColumn("approximate", "text", "yes when the source rounded the figure or gave it in words.", required=False, allowed=("yes", "no")),
        TemplateColumn("source_url", "text", "Where the figure was published.", required=False),
    ),
)

_DK_HEADER = "survey_year,area_type,area,indicator,value_pct"
_UA_HEADER = "fieldwork,pollster,n,institution"
_CHICAGO_HEADER = "ORG_LEVEL,CITY,AREA,DISTRICT,SECTOR,SAFETY"


def _frame(rows: list[dict]) -> pl.DataFrame:
    return pl.DataFrame(rows, schema=RAW_SURVEY_PUBLISHED)


def _row(**values) -> dict:
    return {name: values.get(name) for name in RAW_SURVEY_PUBLISHED}


# --- template -----------------------------------------------------------------------------


def sniff_published_template(path: Path, head: str) -> bool:
    return sniff_template(path, head, PUBLISHED_TEMPLATE)


def read_published_template(path: Path) -> ParsedFile:
    """A filled-in published-figures template; a percent must lie in 0–100."""
    rows, notices = read_template(path, PUBLISHED_TEMPLATE)
    out = []
    for r in rows:
        if r["statistic"] == "percent" and not 0 <= r["value"] <= 100:
            raise IngestRejected(path.name, f"a percent must lie between 0 and 100, not {r['value']:g}", line=r["_line"], column="value")
        if (r["breakdown"] is None) != (r["breakdown_value"] is None):
            raise IngestRejected(path.name, "give both breakdown and breakdown_value, or neither", line=r["_line"], column="breakdown_value")
        period_type, start, end = r["period"]
        out.append(_row(
            source=r["source"], survey_name=r["source"], indicator=r["indicator"], area_label=r["area"],
            breakdown=r["breakdown"], breakdown_value=r["breakdown_value"], wave_label=f"{start:%Y}" if period_type == "year" else f"{start.isoformat()}/{end.isoformat()}",
            period_start=start, period_end=end, statistic=r["statistic"], value=r["value"], n=r["n"],
            scale=r["scale"], sample_type=r["sample_type"], is_approximate=r["approximate"] == "yes",
            source_url=r["source_url"], note=None,
        ))
    return ParsedFile(format="published-template", tables={"raw_survey_published": _frame(out)}, notices=notices)


# --- Tryghedsundersøgelsen ------------------------------------------------------------------

_DK_INDICATORS = {
    "tryg_i_nabolaget": "feel_safe_neighbourhood",
    "utryg_i_nabolaget": "feel_unsafe_neighbourhood",
    "hverken_tryg_eller_utryg": "neither_safe_nor_unsafe",
    "tillid_til_politiet": "trust_police",
}
# National rows for women and men are the country with a sex breakdown.
_DK_BREAKDOWNS = {"land_kvinder": ("Hele landet", "sex", "female"), "land_maend": ("Hele landet", "sex", "male")}


def _csv_records(path: Path) -> tuple[list[str], list[tuple[int, dict[str, str]]]]:
    text = path.read_bytes().decode("utf-8-sig")
    reader = csv.DictReader(io.StringIO(text, newline=""))
    records = [(reader.line_num, {k: (v or "").strip() for k, v in record.items() if k is not None}) for record in reader]
    return list(reader.fieldnames or []), records


def sniff_dk_tryghed(path: Path, head: str) -> bool:
    return head.lstrip("\ufeff").startswith(_DK_HEADER)


def read_dk_tryghed(path: Path) -> ParsedFile:
    """Tryghedsundersøgelsen / Politiets Tryghedsindeks figures (5-point questions, percent in
    the top two answers; probability samples drawn by Danmarks Statistik)."""
    _, records = _csv_records(path)
    rows = []
    for line, r in records:
        indicator = _DK_INDICATORS.get(r["indicator"])
        if indicator is None:
            raise IngestRejected(path.name, f"unknown indicator '{r['indicator']}'", line=line, column="indicator")
        try:
            value = float(r["value_pct"])
        except ValueError:
            raise IngestRejected(path.name, f"'{r['value_pct']}' is not a number", line=line, column="value_pct") from None
        year = r["survey_year"]
        if year and not re.fullmatch(r"\d{4}", year):
            raise IngestRejected(path.name, f"'{year}' is not a year", line=line, column="survey_year")
        area, breakdown, group = _DK_BREAKDOWNS.get(r["area_type"], (r["area"], None, None))
        n = r.get("n_respondents") or ""
        rows.append(_row(
            source="dk_tryghedsundersoegelse", survey_name="Tryghedsundersøgelsen", indicator=indicator, area_label=area,
            breakdown=breakdown, breakdown_value=group, wave_label=year or "year not stated",
            period_start=date(int(year), 1, 1) if year else None, period_end=date(int(year), 12, 31) if year else None,
            statistic="percent", value=value, n=int(n) if n.isdigit() else None, scale="5-point", sample_type="probability",
            is_approximate=r.get("approximate") == "yes", source_url=r.get("source_url") or None, note=r.get("note") or None,
        ))
    return ParsedFile(format="dk-tryghed-published", tables={"raw_survey_published": _frame(rows)})


# --- Ukrainian national polls ----------------------------------------------------------------

_UA_INSTITUTIONS = {
    "national police": "police", "police": "police", "prosecutor's office": "prosecutors",
    "courts": "courts", "armed forces": "armed_forces",
}


def _ua_period(text: str) -> tuple[date | None, date | None]:
    """'2017-05-26/2017-06-01', '2018-11/2018-12', '2021 (published …)'; unknown → (None, None)."""
    days = re.fullmatch(r"(\d{4}-\d{2}-\d{2})/(\d{4}-\d{2}-\d{2})", text)
    if days:
        return date.fromisoformat(days.group(1)), date.fromisoformat(days.group(2))
    months = re.fullmatch(r"(\d{4})-(\d{2})/(\d{4})-(\d{2})", text)
    if months:
        y2, m2 = int(months.group(3)), int(months.group(4))
        last = (date(y2 + (m2 == 12), m2 % 12 + 1, 1) - date.resolution)
        return date(int(months.group(1)), int(months.group(2)), 1), last
    year = re.fullmatch(r"(\d{4})(?: \(published [^)]*\))?", text)
    if year:
        return date(int(year.group(1)), 1, 1), date(int(year.group(1)), 12, 31)
    return None, None  # e.g. 'unknown (2020/2021)': the period is not stated


def sniff_ua_trust(path: Path, head: str) -> bool:
    return head.lstrip("\ufeff").startswith(_UA_HEADER)


def read_ua_trust(path: Path) -> ParsedFile:
    """National polls: trust = fully + rather trust, distrust = rather not + not (4 answers plus
    "hard to say"); face-to-face probability samples of adults."""
    _, records = _csv_records(path)
    rows = []
    for line, r in records:
        institution = _UA_INSTITUTIONS.get(r["institution"].lower())
        if institution is None:
            raise IngestRejected(path.name, f"unknown institution '{r['institution']}'", line=line, column="institution")
        start, end = _ua_period(r["fieldwork"])
        n = int(r["n"]) if r["n"].isdigit() else None
        for column, indicator, statistic in (
            ("trust_total_pct", f"trust_{institution}", "percent"),
            ("distrust_total_pct", f"distrust_{institution}", "percent"),
            ("balance_pct", f"trust_balance_{institution}", "balance"),
        ):
            if not r[column]:
                continue
            try:
                value = float(r[column])
            except ValueError:
                raise IngestRejected(path.name, f"'{r[column]}' is not a number", line=line, column=column) from None
            rows.append(_row(
                source="ua_national_polls", survey_name=r["pollster"], indicator=indicator, area_label="UA",
                wave_label=r["fieldwork"], period_start=start, period_end=end, statistic=statistic, value=value, n=n,
                scale="4-point", sample_type="probability", is_approximate=False,
                source_url=r.get("source_url") or None, note=r.get("note") or None,
            ))
    return ParsedFile(format="ua-trust-published", tables={"raw_survey_published": _frame(rows)})


# --- Chicago Police Sentiment Scores ---------------------------------------------------------

# Longest prefix first: T_LISTEN_ must not be read as T_ + LISTEN.
_CHICAGO_SCORES = (
    ("T_LISTEN", "police_listen"), ("T_RESPECT", "police_respect"), ("SAFETY", "feel_safe_neighbourhood"),
    ("TRUST", "trust_police"), ("S", "feel_safe_neighbourhood"), ("T", "trust_police"),
)
_CHICAGO_GROUPS = ("RACE", "AGE", "SEX", "EDUCATION", "INCOME")


def _chicago_column(name: str) -> tuple[str, str | None, str | None] | None:
    """Column → (indicator, breakdown, group); None for identifier columns."""
    for prefix, indicator in _CHICAGO_SCORES:
        if name == prefix:
            return indicator, None, None
        if name.startswith(prefix + "_"):
            rest = name[len(prefix) + 1:]
            for group in _CHICAGO_GROUPS:
                if rest.startswith(group + "_"):
                    return indicator, group.lower(), rest[len(group) + 1:].lower()
    return None


def sniff_chicago_sentiment(path: Path, head: str) -> bool:
    return head.lstrip("\ufeff").startswith(_CHICAGO_HEADER)


def _us_date(text: str, file: str, line: int, column: str) -> date:
    try:
        return datetime.strptime(text, "%m/%d/%Y").date()
    except ValueError:
        raise IngestRejected(file, f"'{text}' is not a US date (MM/DD/YYYY)", line=line, column=column) from None


def read_chicago_sentiment(path: Path) -> ParsedFile:
    """Police Sentiment Scores: 0–100 means per city/area/district/sector and period, opt-in."""
    header, records = _csv_records(path)
    score_columns = [(c, _chicago_column(c)) for c in header]
    score_columns = [(c, parsed) for c, parsed in score_columns if parsed is not None]
    # The published file repeats rows: drop exact repeats, and where one area and period has two
    # different rows keep the later one; both are reported in notices.
    unique: dict[tuple, tuple[int, dict[str, str]]] = {}
    exact = conflicting = 0
    for line, r in records:
        key = tuple(r.get(c, "") for c in ("AREA", "DISTRICT", "SECTOR", "START_DATE", "END_DATE"))
        if key in unique:
            if unique[key][1] == r:
                exact += 1
                continue
            conflicting += 1
        unique[key] = (line, r)
    rows = []
    for line, r in unique.values():
        start = _us_date(r["START_DATE"], path.name, line, "START_DATE")
        end = _us_date(r["END_DATE"], path.name, line, "END_DATE")
        if r["SECTOR"]:
            area = f"Chicago police sector {r['SECTOR']}"
        elif r["DISTRICT"]:
            area = f"Chicago police district {r['DISTRICT']}"
        elif r["AREA"]:
            area = f"Chicago police area {r['AREA'].removeprefix('area_')}"
        else:
            area = "Chicago"
        for column, (indicator, breakdown, group) in score_columns:
            text = r.get(column, "")
            if not text:
                continue  # blank: suppressed or not measured
            try:
                value = float(text)
            except ValueError:
                raise IngestRejected(path.name, f"'{text}' is not a number", line=line, column=column) from None
            if not 0 <= value <= 100:
                raise IngestRejected(path.name, f"score {value:g} is outside 0–100", line=line, column=column)
            rows.append(_row(
                source="chicago_sentiment", survey_name="Chicago Police Sentiment Scores (Elucd)", indicator=indicator,
                area_label=area, breakdown=breakdown, breakdown_value=group,
                wave_label=f"{start.isoformat()}/{end.isoformat()}", period_start=start, period_end=end,
                statistic="mean", value=value, n=None, scale="0-100", sample_type="opt-in", is_approximate=False,
                source_url="https://data.cityofchicago.org/d/28me-84fj", note=None,
            ))
    return ParsedFile(
        format="chicago-sentiment",
        tables={"raw_survey_published": _frame(rows)},
        notices=(f"{path.name}: scores are 0–100 means from an opt-in survey; no n is published",)
        + ((f"{path.name}: {exact} exact repeated row(s) dropped",) if exact else ())
        + ((f"{path.name}: {conflicting} area/period row(s) appeared twice with different scores; the later row was kept",) if conflicting else ()),
    )
