-- Citizens' traffic tips with the area label resolved to an area code (unresolved labels
-- keep "?:" + label, as for every other topic).
with raw as (
    select * from raw_traffic_tips
),

labels as (
    select * from stg_area_labels
),

final as (
    select
        -- a tip is identified by the file it came in and its line there
        raw.source_sha256 || ':' || cast(raw.line as varchar) as tip_id,
        labels.area_code,
        labels.label as area_label,
        labels.resolved_code is null as is_unmapped_area,
        raw.tip_date,
        trim(raw.place) as place,
        raw.latitude,
        raw.longitude,
        raw.tip_type,
        raw.source_sha256,
        raw.loaded_at
    from raw
    left join labels on labels.area_label = raw.area_label
)

select * from final
