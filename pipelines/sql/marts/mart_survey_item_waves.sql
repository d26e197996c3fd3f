-- One row per survey × question/variable × wave that has answers: which waves asked which
-- question. The wide tables (mart_survey_wide__<survey_id>, pipelines/survey_wide.py) hold a
-- NULL both for "asked, no valid answer" and "not asked in this wave"; survey_item_respondents
-- keeps only the waves listed here, as the long survey_answers did.
with answers as (
    select * from survey_answers
),

final as (
    select distinct survey_id, item, wave
    from answers
)

select * from final order by survey_id, item, wave
