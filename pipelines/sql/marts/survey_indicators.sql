-- The item bank: every question (microdata) and every published series mapped to a common
-- indicator, with its scale, statistic and sample type, so the comparability rule can decide
-- whether two figures may be set side by side.
with defs as (
    select * from stg_survey__item_defs where role = 'item'
),

surveys as (
    select * from stg_survey__descriptions
),

published as (
    select * from stg_survey__published
),

microdata as (
    select
        defs.indicator,
        'microdata' as source_kind,
        defs.survey_id as source,
        surveys.survey_name,
        defs.item,
        defs.scale,
        case when defs.top_box <> '[]' then 'percent' else 'mean' end as statistic,
        surveys.sample_type,
        defs.top_box,
        defs.wording_da,
        defs.wording_en,
        defs.wording_uk
    from defs
    inner join surveys using (survey_id)
),

published_series as (
    -- one row per series: a source's pollsters are listed together
    select
        indicator,
        'published' as source_kind,
        source,
        string_agg(distinct survey_name, '; ' order by survey_name) as survey_name,
        cast(null as varchar) as item,
        scale,
        statistic,
        sample_type,
        cast(null as varchar) as top_box,
        cast(null as varchar) as wording_da,
        cast(null as varchar) as wording_en,
        cast(null as varchar) as wording_uk
    from published
    group by indicator, source, scale, statistic, sample_type
),

final as (
    select * from microdata
    union all
    select * from published_series
)

select * from final
