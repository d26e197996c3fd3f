-- Public table fg_segments. Coded focus-group segments.
-- Until a reader for this topic lands, the table exists with its contract columns and no rows.
with final as (
    select
        cast(null as varchar) as session_id,
        cast(null as varchar) as segment_id,
        cast(null as varchar) as area_code,
        cast(null as varchar) as participant_group,
        cast(null as varchar) as text
    where false
)

select * from final
