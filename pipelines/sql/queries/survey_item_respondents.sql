-- Respondent rows for one survey question, for the ui layer's design-based estimates (never
-- shown as rows): wave, area, design columns, the answer, and the answer to one breakdown
-- variable ($breakdown; '' for none). User-missing answers are NULL.
with answers as (
    select respondent_id, wave, value from survey_answers where survey_id = $survey_id and item = $item
),

groups as (
    select respondent_id, wave, value as group_value from survey_answers where survey_id = $survey_id and item = $breakdown
),

respondents as (
    select * from survey_respondents where survey_id = $survey_id
),

final as (
    select
        respondents.wave,
        respondents.area_code,
        respondents.weight,
        respondents.stratum,
        respondents.psu,
        answers.value,
        groups.group_value
    from respondents
    inner join answers using (respondent_id, wave)
    left join groups using (respondent_id, wave)
)

select * from final
