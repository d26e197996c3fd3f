-- Public table survey_answers. One row per respondent and kept variable (questions and
-- breakdowns); value is NULL for user-missing and system-missing answers, missing_code keeps
-- the declared code ('9', '.b') of a user-missing answer.
with answers as (
    select * from stg_survey__answers
),

final as (
    select survey_id, wave, respondent_id, item, value, missing_code
    from answers
)

select * from final
