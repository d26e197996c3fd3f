-- Follow-ups (tryghedsopfølgninger) from every follow-up reader, with the area label resolved
-- to an area code. A label that resolves nowhere keeps a code of its own ("?:" + label) and is
-- listed in unmapped_area_labels. Rows whose period the source does not state keep NULL period
-- columns; period_key groups them by their label so two unstated periods never merge.
with raw as (
    select * from raw_followups
),

labels as (
    select * from stg_area_labels
),

final as (
    select
        labels.area_code,
        labels.label as area_label,
        labels.resolved_code is null as is_unmapped_area,
        raw.channel,
        raw.reason,
        raw.period_type,
        raw.period_start,
        raw.period_end,
        -- stated periods are labelled by the period itself, unstated ones by the source's text
        case
            when raw.period_type is null then coalesce(nullif(trim(raw.period_label), ''), 'not stated')
        end as period_label,
        case
            when raw.period_type is not null then raw.period_type || ':' || strftime(raw.period_start, '%Y-%m-%d')
            else 'unstated:' || coalesce(nullif(trim(raw.period_label), ''), 'not stated')
        end as period_key,
        raw.count,
        raw.is_derived,
        raw.source_sha256,
        raw.loaded_at
    from raw
    left join labels on labels.area_label = raw.area_label
)

select * from final
