-- Citizens' traffic tips with the area label resolved to an area code (unresolved labels
-- keep "?:" + label, as for every other topic).
with raw as (
    select * from raw_traffic_tips
),

aliases as (
    select * from stg_area_aliases
),

final as (
    select
        -- a tip is identified by the file it came in and its line there
        raw.source_sha256 || ':' || cast(raw.line as varchar) as tip_id,
        coalesce(aliases.area_code, '?:' || trim(raw.area_label)) as area_code,
        trim(raw.area_label) as area_label,
        aliases.area_code is null as is_unmapped_area,
        raw.tip_date,
        trim(raw.place) as place,
        raw.latitude,
        raw.longitude,
        raw.tip_type,
        raw.source_sha256,
        raw.loaded_at
    from raw
    left join aliases on aliases.alias_key = normalise_area_name(raw.area_label)
)

select * from final
