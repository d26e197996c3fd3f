-- Where each trust-page series has data, seen from the sidebar's area ($area_code): one row per
-- source (a survey for microdata, a source × indicator for published figures) × area with data,
-- whether that area is the chosen area or lies below it (in_scope), and the area to offer when
-- the chosen area has no data: the data area's highest ancestor below country level (its police
-- district, oblast, ...), or the area itself when it is a country.
with respondents as (
    select * from survey_respondents
),

published_figures as (
    select * from survey_published
),

tree as (
    select * from area_tree
),

area_list as (
    select * from areas
),

microdata as (
    -- Every question of a survey is asked of the same respondents, so coverage is per survey.
    select 'microdata' as source_kind, survey_id as source, cast(null as varchar) as indicator, area_code,
        count(*) as n_rows
    from respondents
    where area_code is not null
    group by all
),

published as (
    select 'published' as source_kind, source, indicator, area_code, count(*) as n_rows
    from published_figures
    where area_code is not null
    group by all
),

coverage as (
    select * from microdata
    union all by name
    select * from published
),

scope as (
    select descendant_code as area_code from tree where ancestor_code = $area_code
),

suggestion as (
    select tree.descendant_code as area_code, tree.ancestor_code as suggest_code
    from tree
    inner join area_list as ancestor on ancestor.area_code = tree.ancestor_code
    where ancestor.level not in ('country', 'unknown') or tree.depth = 0
    qualify row_number() over (partition by tree.descendant_code order by tree.depth desc) = 1
),

final as (
    select
        coverage.source_kind,
        coverage.source,
        coverage.indicator,
        coverage.area_code,
        coverage.n_rows,
        coverage.area_code in (select area_code from scope) as in_scope,
        suggestion.suggest_code,
        suggested.area_name as suggest_name,
        suggested.name_en as suggest_name_en,
        suggested.name_uk as suggest_name_uk,
        suggested.level = 'unknown' as suggest_is_unknown
    from coverage
    left join suggestion using (area_code)
    left join area_list as suggested on suggested.area_code = suggestion.suggest_code
)

select * from final
