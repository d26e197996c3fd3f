-- Public table survey_respondents. One row per survey respondent.
-- Until a reader for this topic lands, the table exists with its contract columns and no rows.
with final as (
    select
        cast(null as varchar) as survey_id,
        cast(null as varchar) as wave,
        cast(null as varchar) as respondent_id,
        cast(null as varchar) as area_code,
        cast(null as double) as weight
    where false
)

select * from final
