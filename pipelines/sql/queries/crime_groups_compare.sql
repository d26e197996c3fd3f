-- CompStat table: every offence group of one area in a span of periods and in a comparison
-- span, with the mean population over each span's periods. One scan, both spans at once.
-- count: 0 when the group has data only in the comparison span; count_before: null when it has
-- no data for the comparison span (not zero).
with spans as (
    select
        offence_group,
        sum(count) filter (where period_start >= $period_start and period_end <= $period_end) as count,
        sum(count) filter (where period_start >= $before_start and period_end <= $before_end) as count_before,
        avg(population) filter (where period_start >= $period_start and period_end <= $period_end) as population,
        avg(population) filter (where period_start >= $before_start and period_end <= $before_end) as population_before,
        count(*) filter (where period_start >= $period_start and period_end <= $period_end) as n_periods,
        count(*) filter (where period_start >= $before_start and period_end <= $before_end) as n_periods_before
    from mart_crime_area_group_period
    where area_code = $area_code
      and period_type = $period_type
      and period_start >= least($before_start, $period_start)
      and period_end <= greatest($before_end, $period_end)
    group by offence_group
),

final as (
    select
        offence_group,
        coalesce(count, 0) as count,
        count_before,
        population,
        population_before,
        n_periods,
        n_periods_before
    from spans
    where n_periods + n_periods_before > 0
)

select * from final order by offence_group
