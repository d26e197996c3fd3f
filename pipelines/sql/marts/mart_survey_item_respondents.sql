-- One row per survey × question/variable × respondent × wave: the answer beside the
-- respondent's area and design columns (weight, stratum, PSU), i.e. survey_answers already
-- joined to survey_respondents. Pages estimating one question (survey_item_respondents) read
-- one item's adjacent rows instead of joining two respondent-sized tables on every call.
-- Sorted by survey and item so DuckDB's zone maps skip the other items' row groups.
with answers as (
    select * from survey_answers
),

respondents as (
    select * from survey_respondents
),

final as (
    select
        answers.survey_id,
        answers.item,
        answers.wave,
        answers.respondent_id,
        respondents.area_code,
        respondents.weight,
        respondents.stratum,
        respondents.psu,
        answers.value
    from answers
    inner join respondents using (survey_id, respondent_id, wave)
)

select * from final order by survey_id, item, wave
