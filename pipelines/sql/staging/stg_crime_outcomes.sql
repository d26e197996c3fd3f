-- Reported offences and charges from every outcomes reader, with the area label resolved to an
-- area code. A label that resolves nowhere keeps a code of its own ("?:" + label) and is
-- listed in unmapped_area_labels, never dropped.
with raw as (
    select * from raw_crime_outcomes
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
        raw.reported,
        raw.charged,
        raw.source_sha256,
        raw.loaded_at
    from raw
    left join labels on labels.area_label = raw.area_label
)

select * from final
