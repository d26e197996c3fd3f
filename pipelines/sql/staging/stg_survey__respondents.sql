-- Respondents of the latest load of each survey wave, with the area label resolved to an area
-- code. A label that resolves nowhere keeps a code of its own ('?:' + label) and is listed in
-- unmapped_area_labels; a survey without areas has a NULL area_code.
with raw as (
    select * from raw_survey_respondents
),

latest as (
    select * from stg_survey__latest_loads
),

aliases as (
    select * from stg_area_aliases
),

-- Each distinct label is normalised and looked up once, then joined back (a million
-- respondents share a few dozen area labels; the normalising regular expression per row was
-- a large part of the build).
resolved as (
    select labels.area_label, aliases.area_code
    from (select distinct area_label from raw) as labels
    left join aliases on aliases.alias_key = normalise_area_name(labels.area_label)
),

final as (
    select
        raw.survey_id,
        raw.wave,
        raw.respondent_id,
        case
            when nullif(trim(raw.area_label), '') is null then null
            else coalesce(resolved.area_code, '?:' || trim(raw.area_label))
        end as area_code,
        nullif(trim(raw.area_label), '') as area_label,
        nullif(trim(raw.area_label), '') is not null and resolved.area_code is null as is_unmapped_area,
        raw.weight,
        raw.stratum,
        raw.psu,
        raw.source_sha256
    from raw
    inner join latest using (survey_id, wave, source_sha256)
    left join resolved on resolved.area_label = raw.area_label
)

select * from final
