"""Crime chart builders and the offline map: pure figures, no network."""
from __future__ import annotations

from datetime import date

import polars as pl

from ui.charts.crime import ranking_figure, trend_figure
from ui.charts.maps import choropleth_figure, load_geojson


def test_choropleth_draws_scatter_polygons_and_outlines_the_chosen_area() -> None:
    frame = pl.DataFrame({"map_key": ["0751", "0727", "9999"], "label": ["Aarhus", "Odder", "Nowhere"], "rate": [5.0, 2.0, None]})
    figure = choropleth_figure(frame, load_geojson("dk_kommuner_dagi2014.geojson"), key="map_key", value="rate",
                               feature_key="KOMKODE", name="label", highlight="0751", lang="da")
    kinds = {trace.type for trace in figure.data}
    assert kinds == {"scatter"}  # never 'choropleth' / geo (those fetch topojson from a CDN)
    assert len(figure.data) == 3  # two municipalities + the outline of Aarhus
    assert figure.data[-1].name == "Aarhus (highlight)"
    assert figure.layout.geo.to_plotly_json() == {}
    assert "5,0" in figure.data[0].text or "5,0" in figure.data[1].text


def test_choropleth_is_a_valid_plotly_figure() -> None:
    """The map is made without plotly's checks (for speed); plotly's own validation of the
    whole figure accepts it, for every municipality and in every language."""
    import plotly.graph_objects as go

    geojson = load_geojson("dk_kommuner_dagi2014.geojson")
    codes = [feature["properties"]["KOMKODE"] for feature in geojson["features"]]
    frame = pl.DataFrame({"map_key": codes, "label": [f"Kommune {c}" for c in codes]}).with_columns(
        rate=pl.when(pl.int_range(pl.len()) % 7 == 0).then(None).otherwise(pl.int_range(pl.len()).cast(pl.Float64)))
    for lang in ("da", "en", "uk"):
        figure = choropleth_figure(frame, geojson, key="map_key", value="rate", feature_key="KOMKODE", name="label",
                                   highlight="0751", lang=lang, value_label="per 1,000", title="Map")
        checked = go.Figure(figure.to_dict())  # raises on any invalid property or value
        assert len(checked.data) == len(set(codes)) + 1
        assert checked.layout.yaxis.scaleanchor == "x" and checked.layout.title.text == "Map"
        assert {trace.fillcolor for trace in checked.data[:-1]} >= {"#e0e0e0", "#eff3ff", "#08519c"}


def test_trend_has_band_counts_and_event_markers() -> None:
    series = pl.DataFrame({
        "period_start": [date(2021, 1, 1), date(2021, 2, 1)], "count": [10, 12],
        "band_low": [None, 8.0], "band_high": [None, 15.0],
    })
    events = pl.DataFrame({"event_date": [date(2021, 2, 1)], "label": ["Campaign"]})
    figure = trend_figure(series, events, lang="en", count_label="Offences", band_label="Band")
    assert [t.name for t in figure.data] == ["Band", "Band", "Offences", "Campaign"]


def test_ranking_puts_the_highest_on_top_and_highlights_the_chosen() -> None:
    frame = pl.DataFrame({"label": ["A", "B"], "rate": [1.0, 3.0], "is_chosen": [True, False]})
    figure = ranking_figure(frame, lang="en", value="rate", value_label="Per 1,000")
    assert list(figure.data[0].y) == ["A", "B"]  # plotly draws the last bar on top
    assert figure.data[0].marker.color[0] != figure.data[0].marker.color[1]


def test_an_encoded_figure_sends_the_same_chart_and_copies_no_arrays() -> None:
    """``encoded_figure`` keeps a cached chart's arrays in plotly.js's base64 form: the JSON the
    browser gets has the same content, and ``to_dict`` (which ``st.plotly_chart`` calls every
    rerun) finds nothing left to encode."""
    import json

    import plotly.io

    from ui.charts import encoded_figure

    geojson = load_geojson("dk_kommuner_dagi2014.geojson")
    frame = pl.DataFrame({"map_key": ["0751", "0727"], "label": ["Aarhus", "Odder"], "rate": [5.0, 2.0]})
    series = pl.DataFrame({"period_start": [date(2021, 1, 1), date(2021, 2, 1)], "count": [10, 12],
                           "band_low": [None, 8.0], "band_high": [None, 15.0]})
    events = pl.DataFrame({"event_date": [date(2021, 2, 1)], "label": ["Kampagne"]})
    for figure in (choropleth_figure(frame, geojson, key="map_key", value="rate", feature_key="KOMKODE", name="label", highlight="0751", lang="da"),
                   trend_figure(series, events, lang="da", count_label="Anmeldelser", band_label="Normalområde"),
                   ranking_figure(frame.with_columns(is_chosen=pl.col("map_key") == "0751"), lang="da", value="rate", value_label="Pr. 1.000")):
        encoded = encoded_figure(figure)
        sent = json.loads(plotly.io.to_json(encoded.to_dict(), validate=False))
        assert sent == json.loads(plotly.io.to_json(figure.to_dict(), validate=False))
        assert sent["data"] and sent["layout"]["separators"] == ",."
    assert isinstance(encoded_figure(choropleth_figure(frame, geojson, key="map_key", value="rate", feature_key="KOMKODE", name="label",
                                                       lang="da")).data[0].x, dict)  # {"dtype": "f4", "bdata": …}
