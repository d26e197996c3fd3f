-- Public table followups: police follow-ups (tryghedsopfølgninger) per area × channel × reason
-- × period, as the sources give them (a national figure stays a row of area DK; it is not
-- the sum of districts). period_type/start/end are NULL when the source does not state the
-- period ("period not stated"); period_label then holds the source's text.
-- When several files give the same area and period, the most recently loaded file wins for the
-- whole area and period (a corrected breakdown replaces the old one instead of adding to it).
with staged as (
    select * from stg_followups
),

ranked as (
    select
        *,
        dense_rank() over (
            partition by area_code, period_key
            order by loaded_at desc, source_sha256 desc
        ) as file_rank
    from staged
),

final as (
    select
        area_code,
        channel,
        reason,
        period_type,
        period_start,
        period_end,
        cast(sum(count) as bigint) as count,
        period_label,
        period_key,
        bool_or(is_derived) as is_derived
    from ranked
    where file_rank = 1
    group by area_code, channel, reason, period_type, period_start, period_end, period_label, period_key
)

select * from final
