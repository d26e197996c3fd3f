-- Respondents of the latest load of each survey wave, with the area label resolved to an area
-- code. A label that resolves nowhere keeps a code of its own ('?:' + label) and is listed in
-- unmapped_area_labels; a survey without areas has a NULL area_code.
with raw as (
    select * from raw_survey_respondents
),

latest as (
    select * from stg_survey__latest_loads
),

labels as (
    select * from stg_area_labels
),

final as (
    select
        raw.survey_id,
        raw.wave,
        raw.respondent_id,
        case when nullif(labels.label, '') is not null then labels.area_code end as area_code,
        nullif(labels.label, '') as area_label,
        nullif(labels.label, '') is not null and labels.resolved_code is null as is_unmapped_area,
        raw.weight,
        raw.stratum,
        raw.psu,
        raw.source_sha256
    from raw
    inner join latest using (survey_id, wave, source_sha256)
    left join labels on labels.area_label = raw.area_label
)

select * from final
