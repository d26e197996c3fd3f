-- Public table followups. Police follow-ups (tryghedsopfølgninger) per area, channel, reason and period.
-- Until a reader for this topic lands, the table exists with its contract columns and no rows.
with final as (
    select
        cast(null as varchar) as area_code,
        cast(null as varchar) as channel,
        cast(null as varchar) as reason,
        cast(null as varchar) as period_type,
        cast(null as date) as period_start,
        cast(null as date) as period_end,
        cast(null as bigint) as count
    where false
)

select * from final
