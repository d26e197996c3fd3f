-- Surveys with respondent-level data, with the facts an export's method sheet records:
-- name, mode, sample type, waves with fieldwork dates, respondents loaded and the design
-- columns present.
with waves as (
    select * from survey_waves
),

respondents as (
    select
        survey_id,
        count(*) as n_respondents,
        count(stratum) > 0 as has_strata,
        count(psu) > 0 as has_psu,
        count(area_code) > 0 as has_area,
        min(weight) = max(weight) as has_equal_weights
    from survey_respondents
    group by survey_id
),

per_survey as (
    select
        survey_id,
        any_value(survey_name) as survey_name,
        any_value(mode) as mode,
        any_value(sample_type) as sample_type,
        min(fieldwork_start) as fieldwork_start,
        max(fieldwork_end) as fieldwork_end,
        list(struct_pack(wave, wave_label, wave_order, fieldwork_start, fieldwork_end, n_respondents) order by wave_order) as waves
    from waves
    group by survey_id
),

final as (
    select per_survey.*, respondents.* exclude (survey_id)
    from per_survey
    inner join respondents using (survey_id)
)

select * from final
order by survey_id
