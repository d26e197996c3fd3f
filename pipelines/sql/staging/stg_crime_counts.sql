-- Crime counts from every crime reader, with the area label resolved to an area code.
-- A label that resolves nowhere keeps a code of its own ("?:" + label) so its rows stay
-- visible and are listed in unmapped_area_labels, never dropped.
with raw as (
    select * from raw_crime_counts
),

labels as (
    select * from stg_area_labels
),

final as (
    select
        labels.area_code,
        labels.label as area_label,
        labels.resolved_code is null as is_unmapped_area,
        nullif(trim(raw.offence_code), '') as offence_code,
        trim(raw.offence_label) as offence_label,
        raw.period_type,
        raw.period_start,
        raw.period_end,
        raw.count,
        raw.source_sha256,
        raw.loaded_at
    from raw
    left join labels on labels.area_label = raw.area_label
)

select * from final
