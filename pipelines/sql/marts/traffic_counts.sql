-- Public table traffic_counts. Injury accidents and casualties per area, measure, road user and period.
-- Until a reader for this topic lands, the table exists with its contract columns and no rows.
with final as (
    select
        cast(null as varchar) as area_code,
        cast(null as varchar) as measure,
        cast(null as varchar) as road_user,
        cast(null as varchar) as period_type,
        cast(null as date) as period_start,
        cast(null as date) as period_end,
        cast(null as bigint) as count,
        cast(null as varchar) as status
    where false
)

select * from final
