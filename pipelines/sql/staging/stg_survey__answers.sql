-- Answers of the latest load of each survey wave. User-missing codes (SPSS missing values,
-- Stata extended missing .a-.z, codes declared in the description) become NULL here and only
-- here; the code itself stays in missing_code for the record.
with raw as (
    select * from raw_survey_answers
),

latest as (
    select * from stg_survey__latest_loads
),

final as (
    select
        raw.survey_id,
        raw.wave,
        raw.respondent_id,
        raw.item,
        case when raw.missing_code is not null then null else raw.value end as value,
        raw.missing_code
    from raw
    inner join latest using (survey_id, wave, source_sha256)
)

select * from final
