-- Public table crime_outcomes: reported offences and charges per area × offence × period.
-- offence_code is the file's code, or its label when it has none (as in crime_counts).
-- When several files give the same area, offence and period, the most recently loaded file
-- wins (a corrected export replaces the old one instead of adding to it).
with staged as (
    select * from stg_crime_outcomes
),

ranked as (
    select
        *,
        dense_rank() over (
            partition by area_code, coalesce(offence_code, offence_label), period_type, period_start
            order by loaded_at desc, source_sha256 desc
        ) as file_rank
    from staged
),

final as (
    select
        area_code,
        coalesce(offence_code, offence_label) as offence_code,
        min(offence_label) as offence_name,
        period_type,
        period_start,
        period_end,
        cast(sum(reported) as bigint) as reported,
        cast(sum(charged) as bigint) as charged
    from ranked
    where file_rank = 1
    group by area_code, coalesce(offence_code, offence_label), period_type, period_start, period_end
)

select * from final
