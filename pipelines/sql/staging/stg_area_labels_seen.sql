-- Area labels from every fact table that did not resolve to a reference area. Each topic's
-- staging model adds its rows here so that areas can list them as level 'unknown'.
with crime as (
    select area_code, area_label, 'crime_counts' as seen_in
    from stg_crime_counts
    where is_unmapped_area
),

followups as (
    select area_code, area_label, 'followups' as seen_in
    from stg_followups
    where is_unmapped_area
    union all
    select area_code, area_label, 'crime_outcomes' from stg_crime_outcomes where is_unmapped_area
),

traffic as (
    select area_code, area_label, 'traffic_counts' as seen_in from stg_traffic__counts where is_unmapped_area
    union all
    select area_code, area_label, 'traffic_counts' from stg_traffic__collisions where is_unmapped_area
    union all
    select area_code, area_label, 'traffic_tips' from stg_traffic__tips where is_unmapped_area
),

survey as (
    select area_code, area_label, 'survey_respondents' as seen_in from stg_survey__respondents where is_unmapped_area
    union all
    select area_code, area_label, 'survey_published' from stg_survey__published where is_unmapped_area
),

focus_groups as (
    select area_code, area_label, 'fg_sessions' as seen_in from stg_fg__sessions where is_unmapped_area
),

final as (
    select area_code, min(area_label) as area_label, string_agg(distinct seen_in, ', ') as seen_in
    from (select * from crime union all select * from followups union all select * from traffic union all select * from survey union all select * from focus_groups)
    group by area_code
)

select * from final
