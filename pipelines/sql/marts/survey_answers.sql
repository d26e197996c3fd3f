-- Public table survey_answers. One row per respondent and item (user-missing codes are NULL).
-- Until a reader for this topic lands, the table exists with its contract columns and no rows.
with final as (
    select
        cast(null as varchar) as survey_id,
        cast(null as varchar) as wave,
        cast(null as varchar) as respondent_id,
        cast(null as varchar) as item,
        cast(null as double) as value
    where false
)

select * from final
