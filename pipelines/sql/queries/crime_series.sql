-- One area's series for one offence group and period type: counts, population and rate.
select
    period_start,
    period_end,
    count,
    count_source,
    n_parts,
    population,
    population_year,
    population_is_latest_available,
    rate_per_1000
from mart_crime_area_group_period
where area_code = $area_code
  and offence_group = $offence_group
  and period_type = $period_type
order by period_start
