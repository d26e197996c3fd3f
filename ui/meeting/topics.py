"""Slide builders, one per agenda item: ``slides_<topic>(frame, lang) -> list[Slide]``.

Each builder calls the topic's own cached ui wrapper (``ui.crime.crime_view``,
``ui.traffic.traffic_view``, ``ui.followups.followups_view``, ``ui.trust``,
``ui.focus_groups.focus_view``, ``ui.quotes.vetted_quotes``, ``ui.priorities``) and its chart
builders, and words the numbers with the topic's catalogue in the meeting's language. No
statistic is computed here: a slide shows the number the topic page shows, formatted the same
way (the meeting tests compare them). Every text is made with ``translate(lang, …)``, never with
the session's language, because a meeting can be held in another language than the sidebar's.
"""
from __future__ import annotations

from datetime import datetime, timezone
from typing import Callable

import plotly.graph_objects as go
import polars as pl
from plotly.subplots import make_subplots

from analysis.qualitative import code_frequency
from pipelines.thread_safe_polars import map_rows
from ui import crime, data, focus_groups, followups, priorities, quotes, traffic, trust
from ui.charts import base_layout, separators
from ui.charts.crime import ranking_figure as crime_ranking_figure
from ui.charts.crime import trend_figure as crime_trend_figure
from ui.charts.focus_groups import theme_figure
from ui.charts.followups import channel_mix_figure, followup_trend_figure
from ui.charts.traffic import trend_figure as traffic_trend_figure
from ui.charts.trust import trend_figure as trust_trend_figure
from ui.frame import Frame, area_label
from ui.i18n import catalogue, format_day, format_number, format_p_value, format_percent, translate
from ui.meeting.slides import MeetingContext, Slide, with_footers

AGENDA_ITEMS: tuple[str, ...] = ("crime", "traffic", "followups", "trust", "focus_groups", "priorities", "triangulation")
MAX_THEMES = 8  # codes on a theme slide; the table lists all
TRIANGULATION_YEARS = 3  # the side-by-side panels show the last three years of each source
CRIME_YEARS = 5  # the crime trend slide shows the last five years


def _tr(lang: str) -> Callable[..., str]:
    return lambda key, **params: translate(lang, key, **params)


def area_name(area_code: str, lang: str) -> str:
    """An area's name in the meeting's language (the code when the area is unknown)."""
    rows = data.query("areas_for_picker").filter(pl.col("area_code") == area_code)
    return area_label(rows.row(0, named=True), lang) if rows.height else area_code


def period_text(frame: Frame, lang: str) -> str:
    """The sidebar period in words (``1. jul. 2026 – 30. sep. 2026``)."""
    return f"{format_day(lang, frame.period.start)} – {format_day(lang, frame.period.end)}"


# ---------------------------------------------------------------------------------------- crime


def slides_crime(frame: Frame, lang: str) -> list[Slide]:
    """Burglary (or the area's first offence group): headline and trend, then the area ranking.

    The numbers are ``ui.crime.crime_view``'s: counts, rate with its exact Poisson interval,
    the exact Poisson comparison with the same span a year earlier and the 3-year band.
    """
    tr = _tr(lang)
    groups = crime.offence_groups(frame.area_code)
    if not groups:
        return [Slide("crime", tr("meeting.crime.title_none"), tr("crime.no_groups"))]
    group = groups[0]  # offence_groups puts the page's default (burglary) first
    custom = (frame.period.start, frame.period.end) if frame.preset == "custom" else (None, None)
    view = crime.crime_view(frame.area_code, group, frame.preset, *custom)
    group_name = tr(f"crime.group.{group}")
    filters = tr("meeting.crime.filters", group=group_name)
    if view is None:
        return [Slide("crime", tr("meeting.crime.title", group=group_name), tr("crime.no_data"), filters=filters)]
    span = f"{format_day(lang, view.period.start)} – {format_day(lang, view.period.end)}"
    count, before = format_number(lang, view.count), format_number(lang, view.count_before)
    headline = [(tr("crime.count"), count), (tr("crime.rate"), format_number(lang, view.rate.rate, decimals=2) if view.rate else "–")]
    if view.change:
        change_value = tr("crime.change_value", count_before=before, count=count)
        if view.change.pct_change is not None:
            change_value += f" ({format_percent(lang, view.change.pct_change)})"
        headline.append((tr("crime.change"), change_value))
        verdict = tr(f"crime.verdict.{view.change.verdict}", p=format_p_value(lang, view.change.p_value))
        message = tr("meeting.crime.message", group=group_name, count=count, span=span, before=before, verdict=verdict)
    else:
        verdict = tr("crime.no_comparison")
        message = tr("meeting.crime.message_no_change", group=group_name, count=count, span=span)
    interval = (
        tr("meeting.crime.rate_note", rate=format_number(lang, view.rate.rate, decimals=2),
           low=format_number(lang, view.rate.ci_low, decimals=2), high=format_number(lang, view.rate.ci_high, decimals=2))
        if view.rate else tr("crime.rate_none")
    )
    notes = [tr("meeting.crime.n_note", count=count, before=before, before_start=format_day(lang, view.before.start),
                before_end=format_day(lang, view.before.end)), interval, f"{tr('crime.change')}: {verdict}"]
    if view.baseline:
        notes.append(tr("crime.baseline_sentence", low=format_number(lang, view.baseline.band_low), high=format_number(lang, view.baseline.band_high),
                        verdict=tr(f"crime.baseline.{view.baseline.verdict}")))
    notes += [tr(f"crime.{code}", year=view.population_year) for code in view.notices]
    # The slide shows the last five years (and the events in them); the crime page keeps the whole series.
    series = view.series.filter(pl.col("period_start") > view.period.end.replace(year=view.period.end.year - CRIME_YEARS))
    events = view.events.with_columns(label=view.events[f"label_{lang}"]).filter(pl.col("event_date") >= series["period_start"].min())
    figure = crime_trend_figure(series, events, lang=lang, count_label=tr("crime.trend.count"), band_label=tr("crime.trend.band"))
    last = series.tail(1).row(0, named=True)
    alt = tr("meeting.crime.alt", group=group_name, n=series.height, first=format_day(lang, series["period_start"][0]),
             last=format_day(lang, last["period_start"]), count=format_number(lang, last["count"]))
    table = series.select(
        pl.col("period_start").alias(tr("meeting.col.period_start")),
        pl.col("count").alias(tr("crime.col.count")),
        pl.col("rate_per_1000").round(3).alias(tr("crime.col.rate")),
        pl.col("band_low").round(1).alias(tr("meeting.col.band_low")),
        pl.col("band_high").round(1).alias(tr("meeting.col.band_high")),
    )
    slides = [Slide("crime", tr("meeting.crime.title", group=group_name), message, figure, table, alt, " ".join(notes),
                    headline=tuple(headline), filters=filters)]
    ranking = crime.ranking_table(view, lang, tr)
    if ranking.height > 1:
        by_rate = view.areas["rate_per_1000"].null_count() < view.areas.height
        value = "rate_per_1000" if by_rate else "count"
        value_label = tr("crime.col.rate" if by_rate else "crime.col.count")
        top = ranking.row(0)
        ranking_message = (tr("crime.ranking.summary", n=ranking.height, top=top[0], rate=format_number(lang, top[3], decimals=2)) if by_rate
                           else tr("crime.ranking.summary_counts", n=ranking.height, top=top[0], count=format_number(lang, top[1])))
        slides.append(Slide(
            "crime", tr("meeting.crime.ranking_title", group=group_name), ranking_message,
            crime_ranking_figure(crime.labelled_areas(view, lang), lang=lang, value=value, value_label=value_label),
            ranking, tr("meeting.crime.ranking_alt", group=group_name, n=ranking.height, value=value_label, top=top[0]),
            tr("meeting.crime.ranking_notes"), filters=filters,
        ))
    return slides


# -------------------------------------------------------------------------------------- traffic


def slides_traffic(frame: Frame, lang: str) -> list[Slide]:
    """The judged year's figures, its verdicts (prognosis and last year) and the trend."""
    tr = _tr(lang)
    view = traffic.traffic_view(frame)
    if view.year is None:
        return [Slide("traffic", tr("meeting.traffic.title_none"), tr("traffic.empty"))]
    row = view.row
    headline = tuple((tr(f"traffic.measure.{name}"), format_number(lang, row.get(name))) for name in traffic.MEASURES)
    lines = traffic.verdict_lines(view, lang)
    status = tr("traffic.provisional") if row["is_provisional"] else tr("traffic.final")
    measure = view.measure
    rate = view.rates.get(measure)
    notes = [tr("traffic.year_caption", year=view.year, status=status)]
    if rate:
        notes.append(tr("meeting.traffic.rate_note", measure=tr(f"traffic.measure.{measure}"), count=format_number(lang, row.get(measure)),
                        rate=format_number(lang, rate.rate, decimals=1), low=format_number(lang, rate.ci_low, decimals=1),
                        high=format_number(lang, rate.ci_high, decimals=1)))
    notes += lines[1:]
    band = None
    if view.prognosis is not None and view.prognosis.pi_low is not None:
        band = (view.prognosis.year, view.prognosis.pi_low, view.prognosis.pi_high)
    figure = traffic_trend_figure(view.years, value=measure, lang=lang, title=tr(f"traffic.trend_title.{measure}"), final_label=tr("traffic.final"),
                                  provisional_label=tr("traffic.provisional"), band=band, band_label=tr("traffic.prognosis_band"))
    figure.update_layout(title=None, yaxis_title=tr(f"traffic.measure.{measure}"))  # the slide's title and message say it
    shown = view.years.filter(pl.col(measure).is_not_null())
    first, last = shown.row(0, named=True), shown.row(-1, named=True)
    alt = tr("meeting.traffic.alt", summary=tr("traffic.trend_summary", measure=tr(f"traffic.measure_in_text.{measure}"), first=first["year"],
                                                first_value=format_number(lang, first[measure]), last=last["year"], last_value=format_number(lang, last[measure])))
    table = view.years.select(
        pl.col("year").alias(tr("traffic.col.year")),
        *[pl.col(name).alias(tr(f"traffic.measure.{name}")) for name in traffic.MEASURES],
        pl.when(pl.col("is_provisional")).then(pl.lit(tr("traffic.provisional"))).otherwise(pl.lit(tr("traffic.final"))).alias(tr("traffic.col.status")),
    )
    return [Slide("traffic", tr("meeting.traffic.title", year=view.year), lines[0], figure, table, alt, " ".join(notes), headline=headline,
                  filters=tr("meeting.traffic.filters", year=view.year))]


# ------------------------------------------------------------------------------------ follow-ups


def slides_followups(frame: Frame, lang: str) -> list[Slide]:
    """Follow-ups in the sidebar period: totals, reach rate (Wilson interval), share, per 1,000."""
    tr = _tr(lang)
    view = followups.followups_view(frame, followups.FRAME_OPTION)
    summary, choice = view.summary, view.choice
    if summary is None:
        return [Slide("followups", tr("meeting.followups.title"), tr("followups.empty"))]
    counts = dict(summary.by_channel)
    reach = None if summary.reach_rate is None else summary.reach_rate * 100
    share = None if summary.share_of_national is None else summary.share_of_national * 100
    headline = (
        (tr("followups.metric.total"), format_number(lang, summary.total)),
        (tr("followups.channel.phone"), format_number(lang, counts["phone"])),
        (tr("followups.channel.in_person"), format_number(lang, counts["in_person"])),
        (tr("followups.channel.not_reached"), format_number(lang, counts["not_reached"])),
        (tr("followups.metric.reach"), format_percent(lang, reach)),
        (tr("followups.metric.share"), format_percent(lang, share)),
        (tr("followups.metric.per_1000"), format_number(lang, summary.per_1000, decimals=1)),
    )
    if summary.attempted:
        message = tr("followups.reach_summary", reached=format_number(lang, summary.reached), attempted=format_number(lang, summary.attempted),
                     rate=format_percent(lang, reach))
    else:
        message = tr("followups.mix_summary", total=format_number(lang, summary.total), phone=format_number(lang, counts["phone"]),
                     in_person=format_number(lang, counts["in_person"]), not_reached=format_number(lang, counts["not_reached"]))
    notes = []
    if choice.period_type is not None:
        notes.append(tr("followups.periods_used", n=format_number(lang, len(choice.period_keys)), kind=tr(f"followups.period_type.{choice.period_type}"),
                        start=format_day(lang, choice.first_start), end=format_day(lang, choice.last_end)))
    if summary.attempted:
        notes.append(tr("meeting.followups.reach_note", reached=format_number(lang, summary.reached), attempted=format_number(lang, summary.attempted),
                        low=format_percent(lang, None if summary.reach_ci_low is None else summary.reach_ci_low * 100),
                        high=format_percent(lang, None if summary.reach_ci_high is None else summary.reach_ci_high * 100)))
    notes += [tr(f"followups.finding.{code}", year=summary.population_year or "") for code in summary.findings]
    labels = {c: tr(f"followups.channel.{c}") for c in counts}
    mix = pl.DataFrame({"channel": list(counts), "count": list(counts.values())}).filter(pl.col("count") > 0)
    figure = channel_mix_figure(mix, lang=lang, labels=labels)
    alt = tr("followups.mix_summary", total=format_number(lang, summary.total), phone=format_number(lang, counts["phone"]),
             in_person=format_number(lang, counts["in_person"]), not_reached=format_number(lang, counts["not_reached"]))
    table = mix.with_columns(pl.col("channel").replace_strict(labels)).rename({"channel": tr("followups.col.channel"), "count": tr("followups.col.count")})
    return [Slide("followups", tr("meeting.followups.title"), message, figure, table, tr("meeting.alt_bars", text=alt), " ".join(notes), headline=headline)]


# ----------------------------------------------------------------------------------------- trust


def trust_series_for_area(area_code: str) -> tuple[trust.Series, pl.DataFrame, str] | None:
    """The first series of the item bank (microdata first, trust items first) with figures for
    the area or the areas below it, and the figures of one line: the area's own, else the
    estimate over all surveyed areas below it (microdata), else its only area below.

    Returns:
        ``(series, rows, line_code)``; rows have ``x``, ``value``, ``ci_low``/``ci_high``
        (microdata only), ``n``, ``is_unreliable``, ``wave_label``, ``area_code``, ``statistic``.
    """
    for series in trust.series_in_area(trust.series_list(), area_code):
        if series.source_kind == "microdata":
            rows = trust.trend(series.source, series.item, area_code, alpha=data.settings().default_alpha)
            codes = set(rows["area_code"].to_list()) if rows.height else set()
            line = next((code for code in (area_code, trust.ALL_AREAS) if code in codes), min(codes) if len(codes) == 1 else None)
            if line is not None:
                return series, rows.filter(pl.col("area_code") == line).rename({"wave_date": "x", "n_unweighted": "n"}).sort("x"), line
        else:
            rows = trust.published(series.source, series.indicator).filter((pl.col("area_code") == area_code) & pl.col("breakdown").is_null())
            rows = rows.drop_nulls("period_start")
            if rows.height:
                rows = rows.with_columns(
                    map_rows(rows.select("period_start", "period_end"), lambda s: trust.midpoint(s["period_start"], s["period_end"]), name="x", dtype=pl.Date)
                )
                return series, rows.sort("x"), area_code
    return None


def _trust_value(lang: str, value: float | None, statistic: str) -> str:
    return format_percent(lang, value) if statistic == "percent" else format_number(lang, value, decimals=2 if statistic == "mean" else 1)


def _trust_figure(series: trust.Series, rows: pl.DataFrame, name: str, lang: str, title: str | None = None) -> go.Figure:
    tr = _tr(lang)
    badge = tr("trust.badge_probability" if series.sample_type == "probability" else "trust.badge_opt_in")
    statistic = rows["statistic"][0]
    if series.source_kind == "microdata":
        y_title = tr("trust.y_percent") if statistic == "percent" else tr("trust.y_mean", scale=series.scale)
    else:  # published figures come without an interval: the trust page's published axis titles
        y_title = {"percent": tr("trust.y_published_percent"), "mean": tr("trust.y_published_mean", scale=series.scale)}.get(statistic, tr("trust.y_published_balance"))
    return trust_trend_figure(rows, group="area_code", names={rows["area_code"][0]: name}, lang=lang, y_title=y_title, badge=badge,
                              n_missing_text=tr("trust.n_missing_badge"), title=title)


def slides_trust(frame: Frame, lang: str) -> list[Slide]:
    """The area's trust (or safety) series: latest value with n and interval, and the verdict of
    the first wave against the last (microdata, ``ui.trust.before_after``)."""
    tr = _tr(lang)
    found = trust_series_for_area(frame.area_code)
    if found is None:
        return [Slide("trust", tr("meeting.trust.title_none"), tr("meeting.trust.none"))]
    series, rows, line = found
    name = area_name(frame.area_code, lang) if line in (frame.area_code, trust.ALL_AREAS) else area_name(line, lang)
    statistic = rows["statistic"][0]
    wording = series.wording.get(lang) or catalogue(lang).get(f"meeting.indicator.{series.indicator}", series.indicator)
    latest = rows.row(-1, named=True)
    value = _trust_value(lang, latest["value"], statistic)
    n_text = format_number(lang, latest["n"]) if latest["n"] is not None else tr("trust.n_missing_badge")
    headline = [(tr("meeting.trust.latest", wave=latest["wave_label"]), value), (tr("meeting.trust.n", wave=latest["wave_label"]), n_text)]
    notes = [tr("meeting.trust.source", survey=series.survey_name, scale=series.scale,
                sample=tr("trust.sample_probability" if series.sample_type == "probability" else "trust.sample_opt_in"))]
    has_ci = "ci_low" in rows.columns and latest.get("ci_low") is not None
    if has_ci:
        notes.append(tr("meeting.trust.interval", wave=latest["wave_label"], low=format_number(lang, latest["ci_low"], decimals=1),
                        high=format_number(lang, latest["ci_high"], decimals=1), n=n_text))
    else:
        notes.append(tr("meeting.trust.no_interval", wave=latest["wave_label"], n=n_text))
    message = tr("meeting.trust.message", wording=wording, wave=latest["wave_label"], value=value, n=n_text)
    if series.source_kind == "microdata" and statistic == "percent":
        result = trust.before_after(series.source, series.item, line, frame.area_code, alpha=data.settings().default_alpha)
        if result is not None:
            headline += [(tr("trust.baseline"), format_percent(lang, 100 * result.estimate_reference)),
                         (tr("trust.followup"), format_percent(lang, 100 * result.estimate_value))]
            verdict = tr(
                f"trust.verdict_{result.verdict}",
                before=format_percent(lang, 100 * result.estimate_reference), after=format_percent(lang, 100 * result.estimate_value),
                diff=format_number(lang, 100 * result.difference, decimals=1), low=format_number(lang, 100 * result.ci_low, decimals=1),
                high=format_number(lang, 100 * result.ci_high, decimals=1), p=format_p_value(lang, result.p_value),
            )
            message = verdict
            notes.append(tr("meeting.trust.before_after_n", n_before=format_number(lang, result.n_reference), n_after=format_number(lang, result.n_value)))
    flagged = rows.filter(pl.col("is_unreliable").fill_null(False)).height if "is_unreliable" in rows.columns else 0
    warnings = (tr("meeting.trust.unreliable", n=flagged),) if flagged else ()
    figure = _trust_figure(series, rows, name, lang)
    alt = tr("meeting.trust.alt", wording=wording, area=name, n=rows.height, first=rows["wave_label"][0], last=latest["wave_label"], value=value)
    table = pl.DataFrame({
        tr("trust.col_wave"): rows["wave_label"].to_list(),
        tr("trust.col_value"): [_trust_value(lang, v, statistic) for v in rows["value"]],
        tr("trust.col_ci"): ([f"{format_number(lang, lo, decimals=1)} – {format_number(lang, hi, decimals=1)}" for lo, hi in zip(rows["ci_low"], rows["ci_high"])]
                             if "ci_low" in rows.columns else ["–"] * rows.height),
        tr("trust.col_n"): [format_number(lang, n) if n is not None else "–" for n in rows["n"]],
    })
    return [Slide("trust", tr("meeting.trust.title", area=name), message, figure, table, alt, " ".join(notes), headline=tuple(headline),
                  warnings=warnings, filters=tr("meeting.trust.filters", survey=series.survey_name))]


# ---------------------------------------------------------------------------------- focus groups


def first_vetted_quote(frame: Frame) -> dict | None:
    """The most recently vetted quote of the area and period (``ui.quotes.vetted_quotes``)."""
    vetted = quotes.vetted_quotes(frame.area_code, frame.period)
    if vetted.height == 0:
        return None
    return vetted.sort("vetted_at", descending=True).row(0, named=True)


def quote_text(lang: str, row: dict) -> str:
    """A vetted quote with its session and participant group (never a name: the text is masked)."""
    day = format_day(lang, row["session_date"]) if row["session_date"] else translate(lang, "focus.no_date")
    return translate(lang, "meeting.focus.quote", text=row["masked_text"], group=row["participant_group"] or "–", date=day)


def slides_focus_groups(frame: Frame, lang: str) -> list[Slide]:
    """Sessions in the period, the most frequent themes, and one vetted quote."""
    tr = _tr(lang)
    view = focus_groups.focus_view(frame)
    if view.sessions.height == 0:
        return [Slide("focus_groups", tr("meeting.focus.title"), tr("focus.empty"))]
    sessions = view.sessions
    passages = view.coded.select("session_id", "segment_id").unique().height
    headline = (
        (tr("focus.metric.sessions"), format_number(lang, sessions.height)),
        (tr("focus.metric.passages"), format_number(lang, passages)),
        (tr("focus.metric.participants"), format_number(lang, sessions["n_participants"].sum())),
        (tr("focus.metric.codes"), format_number(lang, view.coded["code"].drop_nulls().n_unique())),
    )
    overall = code_frequency(view.coded, by=())
    quote = first_vetted_quote(frame)
    notes = [tr("meeting.focus.notes")]
    if overall.height == 0:
        return [Slide("focus_groups", tr("meeting.focus.title"), tr("focus.no_codes"), headline=headline,
                      quote=quote_text(lang, quote) if quote else None, notes=" ".join(notes))]
    top = overall.row(0, named=True)
    message = tr("focus.themes_summary", code=top["code"], n=format_number(lang, top["n_segments"]), total=format_number(lang, top["n_segments_total"]),
                 share=format_percent(lang, top["share"] * 100))
    codes = overall["code"].head(MAX_THEMES).to_list()
    everyone = tr("meeting.focus.all_sessions")
    by_group = code_frequency(view.coded.with_columns(pl.lit("").alias("group")), by=("group",))
    figure = theme_figure(by_group, lang=lang, codes=codes, group_labels={"": everyone}, axis_title=tr("focus.axis_passages"))
    figure.update_layout(showlegend=False)
    if quote is None:
        notes.append(tr("meeting.focus.no_vetted"))
    table = overall.select(
        pl.col("code").alias(tr("focus.col.code")),
        pl.col("n_segments").alias(tr("focus.col.passages_with_code")),
        pl.col("n_segments_total").alias(tr("focus.col.passages")),
        (pl.col("share") * 100).round(1).alias(tr("focus.col.share")),
    )
    alt = tr("meeting.focus.alt", n=len(codes), code=top["code"], count=format_number(lang, top["n_segments"]))
    return [Slide("focus_groups", tr("meeting.focus.title"), message, figure, table, alt, " ".join(notes), headline=headline,
                  quote=quote_text(lang, quote) if quote else None)]


# ------------------------------------------------------------------------------------ priorities


def slides_priorities(frame: Frame, lang: str) -> list[Slide]:
    """The priority register of the area ("you said, we did"); no slide when it has none."""
    tr = _tr(lang)
    entries = priorities.priorities_with_change(frame.area_code)
    if not entries:
        return []
    rows = []
    for priority, change, actions in entries:
        rows.append({
            tr("meeting.col.priority"): priority.text,
            tr("meeting.col.agreed"): format_day(lang, priority.agreed_on),
            tr("meeting.col.measure"): priorities.group_label(priority.measure_code, lang),
            tr("meeting.col.change"): priorities.change_text(lang, change),
            tr("meeting.col.actions"): "; ".join(f"{format_day(lang, a.done_on)}: {a.text} ({a.who})" for a in actions) or "–",
        })
    first, change, _ = entries[0]
    message = tr("meeting.priorities.message", n=format_number(lang, len(entries)), first=first.text, change=priorities.change_text(lang, change))
    return [Slide("priorities", tr("meeting.priorities.title"), message, None, pl.DataFrame(rows), "", tr("meeting.priorities.notes"))]


# --------------------------------------------------------------------------------- triangulation


def slides_triangulation(frame: Frame, lang: str) -> list[Slide]:
    """Crime trend, trust trend with its interval, follow-ups and one vetted quote side by side,
    with the comparability warnings that stop a reader from reading one as the cause of another."""
    tr = _tr(lang)
    name = area_name(frame.area_code, lang)
    figure = make_subplots(rows=1, cols=3, subplot_titles=(tr("meeting.tri.crime"), tr("meeting.tri.trust"), tr("meeting.tri.followups")),
                           horizontal_spacing=0.07)
    tables, warnings, spans = [], [tr("meeting.tri.warn_kinds")], []
    custom = (frame.period.start, frame.period.end) if frame.preset == "custom" else (None, None)
    groups = crime.offence_groups(frame.area_code)
    group = groups[0] if groups else None  # the default (burglary) first, as on the crime page
    view = crime.crime_view(frame.area_code, group, frame.preset, *custom) if group else None
    if view is not None:
        start = view.period.end.replace(year=view.period.end.year - TRIANGULATION_YEARS)
        recent = view.series.filter(pl.col("period_start") > start)
        part = crime_trend_figure(recent, view.events.head(0).with_columns(label=pl.lit("")), lang=lang, count_label=tr(f"crime.group.{group}"),
                                  band_label=tr("crime.trend.band"))
        for trace in part.data:
            figure.add_trace(trace.update(showlegend=False), row=1, col=1)
        tables.append(recent.select(pl.lit(tr("meeting.tri.crime")).alias("source"), pl.col("period_start").cast(pl.Utf8).alias("period"),
                                    pl.col("count").cast(pl.Float64).alias("value"), pl.lit(None, pl.Float64).alias("low"),
                                    pl.lit(None, pl.Float64).alias("high"), pl.lit(None, pl.Int64).alias("n")))
        spans.append(tr("meeting.tri.span_crime", group=tr(f"crime.group.{group}"), kind=tr(f"crime.period_type.{view.period_type}"),
                        first=format_day(lang, recent["period_start"][0]), last=format_day(lang, recent["period_end"][-1])))
    else:
        warnings.append(tr("meeting.tri.missing", source=tr("meeting.tri.crime")))
    found = trust_series_for_area(frame.area_code)
    if found is not None:
        series, rows, _ = found
        for trace in _trust_figure(series, rows, name, lang).data:
            figure.add_trace(trace.update(showlegend=False), row=1, col=2)
        has_ci = "ci_low" in rows.columns
        tables.append(pl.DataFrame({
            "source": [tr("meeting.tri.trust")] * rows.height, "period": rows["wave_label"].to_list(), "value": rows["value"].to_list(),
            "low": rows["ci_low"].to_list() if has_ci else [None] * rows.height, "high": rows["ci_high"].to_list() if has_ci else [None] * rows.height,
            "n": rows["n"].to_list(),
        }, schema={"source": pl.Utf8, "period": pl.Utf8, "value": pl.Float64, "low": pl.Float64, "high": pl.Float64, "n": pl.Int64}))
        spans.append(tr("meeting.tri.span_trust", survey=series.survey_name, first=rows["wave_label"][0], last=rows["wave_label"][-1]))
        if not has_ci:
            warnings.append(tr("meeting.tri.warn_no_interval", survey=series.survey_name))
        if series.sample_type != "probability":
            warnings.append(tr("meeting.tri.warn_opt_in", survey=series.survey_name))
    else:
        warnings.append(tr("meeting.tri.missing", source=tr("meeting.tri.trust")))
    follow = followups.followups_view(frame, followups.FRAME_OPTION)
    if follow.trend.height:
        totals = follow.trend.group_by("period_start", "period_end", "period_type").agg(pl.col("count").sum()).sort("period_start")
        start = totals["period_end"][-1].replace(year=totals["period_end"][-1].year - TRIANGULATION_YEARS)
        totals = totals.filter(pl.col("period_start") > start)
        texts = [_period_label(lang, r["period_type"], r["period_start"]) for r in totals.iter_rows(named=True)]
        recent_trend = follow.trend.filter(pl.col("period_start").is_in(totals["period_start"].implode()))
        labels = {c: tr(f"followups.channel.{c}") for c in ("phone", "in_person", "not_reached", "unknown")}
        for trace in followup_trend_figure(recent_trend, lang=lang, labels=labels, period_text=texts).data:
            figure.add_trace(trace.update(showlegend=False), row=1, col=3)
        tables.append(pl.DataFrame({"source": [tr("meeting.tri.followups")] * totals.height, "period": texts, "value": totals["count"].cast(pl.Float64).to_list(),
                                    "low": [None] * totals.height, "high": [None] * totals.height, "n": [None] * totals.height},
                                   schema={"source": pl.Utf8, "period": pl.Utf8, "value": pl.Float64, "low": pl.Float64, "high": pl.Float64, "n": pl.Int64}))
        spans.append(tr("meeting.tri.span_followups", kind=tr(f"followups.period_type.{totals['period_type'][0]}"), first=texts[0], last=texts[-1]))
    else:
        warnings.append(tr("meeting.tri.missing", source=tr("meeting.tri.followups")))
    if len(spans) > 1:
        warnings.append(tr("meeting.tri.warn_periods", spans="; ".join(spans)).rstrip(".") + ".")
    quote = first_vetted_quote(frame)
    warnings.append(tr("meeting.tri.warn_quote") if quote else tr("meeting.tri.no_quote"))
    base_layout(figure, height=430)
    figure.update_layout(separators=separators(lang), barmode="stack", showlegend=False)
    table = pl.concat(tables, how="vertical") if tables else pl.DataFrame()
    if table.height:
        table = table.with_columns(pl.col("value").round(2), pl.col("low").round(2), pl.col("high").round(2)).rename({
            "source": tr("meeting.col.source"), "period": tr("meeting.col.period"), "value": tr("meeting.col.value"),
            "low": tr("meeting.col.low"), "high": tr("meeting.col.high"), "n": tr("trust.col_n")})
    return [Slide("triangulation", tr("meeting.tri.title", area=name), tr("meeting.tri.message"), figure, table, tr("meeting.tri.alt"),
                  " ".join(span.rstrip(".") + "." for span in spans), quote=quote_text(lang, quote) if quote else None, warnings=tuple(warnings))]


def _period_label(lang: str, period_type: str, start) -> str:
    """``ui.followups.period_text`` worded in ``lang`` (that one uses the session's language)."""
    number = {"quarter": (start.month - 1) // 3 + 1, "half_year": 1 if start.month <= 6 else 2, "month": start.month}.get(period_type, 0)
    return translate(lang, f"followups.period_fmt.{period_type}", year=start.year, n=number, day=format_day(lang, start))


# -------------------------------------------------------------------------------------- agenda

BUILDERS: dict[str, Callable[[Frame, str], list[Slide]]] = {
    "crime": slides_crime,
    "traffic": slides_traffic,
    "followups": slides_followups,
    "trust": slides_trust,
    "focus_groups": slides_focus_groups,
    "priorities": slides_priorities,
    "triangulation": slides_triangulation,
}


def title_slide(frame: Frame, lang: str, items: tuple[str, ...]) -> Slide:
    """The first slide: area, period and the agenda."""
    tr = _tr(lang)
    agenda = pl.DataFrame({tr("meeting.col.item"): [tr(f"meeting.item.{item}") for item in items]})
    return Slide("title", tr("meeting.title_slide", area=area_name(frame.area_code, lang)), tr("meeting.title_message", period=period_text(frame, lang)),
                 table=agenda, notes=tr("meeting.title_notes"))


def meeting_context(frame: Frame, lang: str, items: tuple[str, ...], *, made_at: datetime | None = None) -> MeetingContext:
    """The footer facts of a meeting on the current data version."""
    version = (data.data_version() or {}).get("data_version", "")
    custom = frame.preset == "custom"
    return MeetingContext(
        lang=lang, area_code=frame.area_code, area_name=area_name(frame.area_code, lang), preset=frame.preset,
        period_text=period_text(frame, lang), items=items, data_version=version,
        made_at=made_at or datetime.now(timezone.utc), base_url=data.settings().public_base_url,
        custom_start=frame.period.start.isoformat() if custom else None, custom_end=frame.period.end.isoformat() if custom else None,
    )


def agenda_slides(frame: Frame, lang: str, items: tuple[str, ...], *, made_at: datetime | None = None) -> tuple[list[Slide], MeetingContext]:
    """The slides of an agenda (title slide first) with their footers, and the meeting's context.

    Args:
        frame: area and period (the sidebar's).
        lang: the meeting's language.
        items: agenda items from ``AGENDA_ITEMS``, in the order to present them.
        made_at: the time to print in the footers (default: now, UTC).
    """
    items = tuple(item for item in items if item in BUILDERS)
    context = meeting_context(frame, lang, items, made_at=made_at)
    slides = [title_slide(frame, lang, items)]
    for item in items:
        slides += BUILDERS[item](frame, lang)
    return with_footers(slides, context), context

