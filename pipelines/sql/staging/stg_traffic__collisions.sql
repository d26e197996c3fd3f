-- STATS19 collisions (one row per collision) with the local authority resolved to an area
-- code and the calendar month the collision fell in. Severity and the local authority are
-- already labels ('unknown' where the file's code was -1, blank or unlisted); an unknown
-- local authority keeps its rows under the code '?:unknown' rather than being dropped.
with raw as (
    select * from raw_stats19_collisions
),

labels as (
    select * from stg_area_labels
),

final as (
    select
        labels.area_code,
        labels.label as area_label,
        labels.resolved_code is null as is_unmapped_area,
        raw.collision_index,
        raw.collision_date,
        -- collisions are counted per calendar month: first and last day of the month
        cast(date_trunc('month', raw.collision_date) as date) as period_start,
        cast(last_day(raw.collision_date) as date) as period_end,
        raw.severity,
        raw.number_of_casualties,
        raw.latitude,
        raw.longitude,
        raw.status,
        raw.source_sha256,
        raw.loaded_at
    from raw
    left join labels on labels.area_label = raw.area_label
)

select * from final
