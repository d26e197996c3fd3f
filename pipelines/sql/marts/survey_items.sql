-- Public table survey_items. One row per survey and kept variable: the file's variable label,
-- value labels (JSON object code -> label, missing codes included), the description's role,
-- common indicator, scale, top box (JSON list of codes) and wording in da/en/uk.
with variables as (
    select * from stg_survey__variables
),

defs as (
    select * from stg_survey__item_defs
),

final as (
    select
        variables.survey_id,
        variables.item,
        coalesce(variables.label, defs.wording_en) as label,
        variables.value_labels,
        variables.source_variable,
        variables.missing_codes,
        defs.role,
        defs.indicator,
        defs.scale,
        defs.top_box,
        defs.wording_da,
        defs.wording_en,
        defs.wording_uk
    from variables
    left join defs using (survey_id, item)
)

select * from final
