"""Cross-tabs: any survey question × any breakdown, area or wave, weighted, with intervals,
design effects, a Rao–Scott test, column letters, disclosure control and downloads."""
from __future__ import annotations

import streamlit as st

from ui import crosstab
from ui.access import guard_page
from ui.frame import current_frame, t
from ui.tables import table_ui

frame = current_frame()
tier = guard_page(__file__)
lang = frame.lang
st.title(t("crosstabs.title"))
st.caption(t("crosstabs.intro"))

surveys = crosstab.surveys()
if surveys.is_empty():
    st.info(t("crosstabs.empty"))
    st.stop()

names = dict(zip(surveys["survey_id"], surveys["survey_name"]))
survey = st.selectbox(t("crosstabs.survey"), list(names), format_func=names.get, key="crosstabs__survey")
dims = crosstab.dimensions(survey, lang)
items = [d for d in dims if d not in ("wave", "area")]
left, middle, right = st.columns(3)
row = left.selectbox(t("crosstabs.row"), items, format_func=dims.get, key="crosstabs__row")
col_options = [d for d in dims if d != row]
col = middle.selectbox(t("crosstabs.col"), col_options, format_func=dims.get, key="crosstabs__col")
# Labels are made now, in this run's language (a format_func that translated later would not).
layer_labels = {"": t("crosstabs.no_layer"), **{d: v for d, v in dims.items() if d not in (row, col)}}
layer = right.selectbox(t("crosstabs.layer"), list(layer_labels), format_func=layer_labels.get, key="crosstabs__layer")
left, middle, right = st.columns(3)
weighted = left.toggle(t("crosstabs.weighted"), value=True, key="crosstabs__weighted")
percent_labels = {p: t(f"crosstabs.percent_{p}") for p in ("col", "row", "total")}
percent = middle.radio(
    t("crosstabs.percent"), list(percent_labels), format_func=percent_labels.get, horizontal=True, key="crosstabs__percent"
)
filter_labels = {"": t("crosstabs.no_filter"), **dims}
filter_dim = right.selectbox(t("crosstabs.filter_dim"), list(filter_labels), format_func=filter_labels.get, key="crosstabs__filter_dim")
filters: tuple = ()
if filter_dim:
    labels = crosstab.value_labels(survey, filter_dim, lang)
    codes = right.multiselect(t("crosstabs.filter_codes"), list(labels), format_func=labels.get, key="crosstabs__filter_codes")
    filters = ((filter_dim, tuple(codes)),) if codes else ()

bundle = crosstab.crosstab_or_error(
    survey_id=survey, row=row, col=col, layer=layer or None, weighted=weighted, percent=percent, filters=filters, lang=lang
)
if bundle is None:
    st.stop()

wording = bundle.dimensions[row].wording
if wording:
    st.markdown(t("crosstabs.question", text=wording))
st.subheader(t("crosstabs.table_heading"))
table = crosstab.display_cells(bundle, lang)
st.markdown(t(
    "crosstabs.table_summary", cells=table.height, n=crosstab.table_n(bundle, lang),
    design=t("crosstabs.design_weighted" if weighted else "crosstabs.design_unweighted"),
))
table_ui(table, hide_index=True, width="stretch", key="crosstabs__table")
note = crosstab.suppression_note(bundle, lang)
if note:
    st.warning(note, icon=":material/visibility_off:")
if bundle.letter_keys and percent == "col":
    st.caption(crosstab.letters_note(bundle, lang))

st.subheader(t("crosstabs.tests_heading"))
for sentence in crosstab.test_summary(bundle, lang):
    st.markdown(sentence)
table_ui(crosstab.display_tests(bundle, lang), hide_index=True, width="stretch", key="crosstabs__tests")

with st.expander(t("crosstabs.method_heading")):
    st.code(crosstab.method_facts(bundle), language="json")

st.subheader(t("crosstabs.downloads"))
# The tier's formats only; pipelines.export_cli refuses any other format on the server as well.
offered = [fmt for fmt in crosstab.FORMATS_OFFERED if tier.may_export(fmt)]
for column, fmt in zip(st.columns(max(len(offered), 1)), offered):
    name, payload, mime = crosstab.export_file(bundle, fmt)
    column.download_button(t(f"crosstabs.download_{fmt}"), payload, file_name=name, mime=mime, key=f"crosstabs__download_{fmt}")
