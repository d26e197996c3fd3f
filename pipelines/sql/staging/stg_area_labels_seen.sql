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
),

final as (
    select area_code, min(area_label) as area_label, string_agg(distinct seen_in, ', ') as seen_in
    from (select * from crime union all select * from followups)
    group by area_code
)

select * from final
