-- Public table survey_respondents. One row per survey respondent and wave (the latest load of
-- each wave): area, weight (1.0 when the survey has none), stratum and PSU when the design has them.
with respondents as (
    select * from stg_survey__respondents
),

final as (
    select survey_id, wave, respondent_id, area_code, weight, stratum, psu
    from respondents
)

select * from final
