-- Respondent rows for one survey question, for the ui layer's design-based estimates (never
-- shown as rows): wave, area, design columns, the answer, and the answer to one breakdown
-- variable ($breakdown; '' for none). User-missing answers are NULL.
with answers as (
    -- answers already joined to their respondents (area, weight, stratum, PSU) in the mart
    select * from mart_survey_item_respondents where survey_id = $survey_id and item = $item
),

groups as (
    select respondent_id, wave, value as group_value
    from mart_survey_item_respondents
    where survey_id = $survey_id and item = $breakdown
),

final as (
    select
        answers.wave,
        answers.area_code,
        answers.weight,
        answers.stratum,
        answers.psu,
        answers.value,
        groups.group_value
    from answers
    left join groups using (respondent_id, wave)
)

select * from final
