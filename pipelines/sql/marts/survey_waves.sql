-- One row per survey wave: label, order, fieldwork dates, the survey's mode and sample type,
-- and the number of respondents loaded (0 for a wave described but not loaded yet).
with waves as (
    select * from stg_survey__waves
),

surveys as (
    select * from stg_survey__descriptions
),

respondents as (
    select survey_id, wave, count(*) as n_respondents
    from stg_survey__respondents
    group by survey_id, wave
),

final as (
    select
        waves.survey_id,
        surveys.survey_name,
        waves.wave,
        waves.wave_label,
        waves.wave_order,
        waves.fieldwork_start,
        waves.fieldwork_end,
        surveys.mode,
        surveys.sample_type,
        coalesce(respondents.n_respondents, 0) as n_respondents
    from waves
    inner join surveys using (survey_id)
    left join respondents using (survey_id, wave)
)

select * from final
