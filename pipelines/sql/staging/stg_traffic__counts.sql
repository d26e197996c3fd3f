-- Aggregate traffic figures (district template, StatBank UHELD tables) with the area label
-- resolved to an area code. A label that resolves nowhere keeps a code of its own
-- ("?:" + label) so its rows stay visible and are listed in unmapped_area_labels.
with raw as (
    select * from raw_traffic_counts
),

labels as (
    select * from stg_area_labels
),

final as (
    select
        labels.area_code,
        labels.label as area_label,
        labels.resolved_code is null as is_unmapped_area,
        raw.measure,
        raw.road_user,
        raw.severity,
        raw.period_type,
        raw.period_start,
        raw.period_end,
        raw.count,
        raw.status,
        raw.source_sha256,
        raw.loaded_at
    from raw
    left join labels on labels.area_label = raw.area_label
)

select * from final
