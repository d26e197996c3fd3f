-- Crime counts from every crime reader, with the area label resolved to an area code.
-- A label that resolves nowhere keeps a code of its own ("?:" + label) so its rows stay
-- visible and are listed in unmapped_area_labels, never dropped.
with raw as (
    select * from raw_crime_counts
),

aliases as (
    select * from stg_area_aliases
),

-- Each distinct label is normalised and looked up once, then joined back: a national file has
-- hundreds of thousands of rows but only ~100 area labels, and the normalising regular
-- expression per row was a large part of the build.
resolved as (
    select labels.area_label, aliases.area_code
    from (select distinct area_label from raw) as labels
    left join aliases on aliases.alias_key = normalise_area_name(labels.area_label)
),

final as (
    select
        coalesce(resolved.area_code, '?:' || trim(raw.area_label)) as area_code,
        trim(raw.area_label) as area_label,
        resolved.area_code is null as is_unmapped_area,
        nullif(trim(raw.offence_code), '') as offence_code,
        trim(raw.offence_label) as offence_label,
        raw.period_type,
        raw.period_start,
        raw.period_end,
        raw.count,
        raw.source_sha256,
        raw.loaded_at
    from raw
    left join resolved on resolved.area_label = raw.area_label
)

select * from final
