-- CompStat table: every offence group of one area in a span of periods and in a comparison
-- span, with the mean population over each span's periods.
with current_span as (
    select offence_group, sum(count) as count, avg(population) as population, count(*) as n_periods
    from mart_crime_area_group_period
    where area_code = $area_code and period_type = $period_type
      and period_start >= $period_start and period_end <= $period_end
    group by offence_group
),

before_span as (
    select offence_group, sum(count) as count_before, avg(population) as population_before, count(*) as n_periods_before
    from mart_crime_area_group_period
    where area_code = $area_code and period_type = $period_type
      and period_start >= $before_start and period_end <= $before_end
    group by offence_group
),

final as (
    select
        coalesce(current_span.offence_group, before_span.offence_group) as offence_group,
        coalesce(current_span.count, 0) as count,
        before_span.count_before,  -- null: no data for the comparison span (not zero)
        current_span.population,
        before_span.population_before,
        coalesce(current_span.n_periods, 0) as n_periods,
        coalesce(before_span.n_periods_before, 0) as n_periods_before
    from current_span
    full join before_span on before_span.offence_group = current_span.offence_group
)

select * from final order by offence_group
