-- Public table survey_items. Item wording and value labels (JSON) per survey.
-- Until a reader for this topic lands, the table exists with its contract columns and no rows.
with final as (
    select
        cast(null as varchar) as survey_id,
        cast(null as varchar) as item,
        cast(null as varchar) as label,
        cast(null as varchar) as value_labels
    where false
)

select * from final
