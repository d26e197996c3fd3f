-- Area labels from every fact table that did not resolve to a reference area, so that areas
-- can list them as level 'unknown'. Where a staging model keeps every raw row, its labels are
-- read from the raw table's distinct labels through stg_area_labels (the same resolution,
-- without going through every row of the model); survey respondents (latest loads only) and
-- focus-group sessions (merged per session) are read from their staging models.
with labels as (
    select * from stg_area_labels
),

raw_labels as (
    select distinct area_label, 'crime_counts' as seen_in from raw_crime_counts
    union all
    select distinct area_label, 'followups' from raw_followups
    union all
    select distinct area_label, 'crime_outcomes' from raw_crime_outcomes
    union all
    select distinct area_label, 'traffic_counts' from raw_traffic_counts
    union all
    select distinct area_label, 'traffic_counts' from raw_stats19_collisions
    union all
    select distinct area_label, 'traffic_tips' from raw_traffic_tips
    union all
    select distinct area_label, 'survey_published' from raw_survey_published
),

unmapped_raw as (
    select labels.area_code, labels.label as area_label, raw_labels.seen_in
    from raw_labels
    left join labels on labels.area_label = raw_labels.area_label
    where labels.resolved_code is null
),

survey as (
    select area_code, area_label, 'survey_respondents' as seen_in from stg_survey__respondents where is_unmapped_area
),

focus_groups as (
    select area_code, area_label, 'fg_sessions' as seen_in from stg_fg__sessions where is_unmapped_area
),

final as (
    select area_code, min(area_label) as area_label, string_agg(distinct seen_in, ', ') as seen_in
    from (select * from unmapped_raw union all select * from survey union all select * from focus_groups)
    group by area_code
)

select * from final
