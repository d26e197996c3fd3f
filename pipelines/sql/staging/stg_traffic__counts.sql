-- Aggregate traffic figures (district template, StatBank UHELD tables) with the area label
-- resolved to an area code. A label that resolves nowhere keeps a code of its own
-- ("?:" + label) so its rows stay visible and are listed in unmapped_area_labels.
with raw as (
    select * from raw_traffic_counts
),

aliases as (
    select * from stg_area_aliases
),

final as (
    select
        coalesce(aliases.area_code, '?:' || trim(raw.area_label)) as area_code,
        trim(raw.area_label) as area_label,
        aliases.area_code is null as is_unmapped_area,
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
    left join aliases on aliases.alias_key = normalise_area_name(raw.area_label)
)

select * from final
