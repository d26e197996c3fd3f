-- Public table fg_codes. Codes attached to focus-group segments.
-- Until a reader for this topic lands, the table exists with its contract columns and no rows.
with final as (
    select
        cast(null as varchar) as session_id,
        cast(null as varchar) as segment_id,
        cast(null as varchar) as code
    where false
)

select * from final
