-- Counts of the municipalities (or LSOAs) of a comparison scope (see crime_compare_areas) for
-- one offence group: the count in a span and in the comparison span, the mean population over
-- the span's periods and the rate per 1,000. One filtered scan of mart_crime_compare_counts,
-- pre-joined per scope at build time. A leaf without counts in the spans has no row here.
with spans as (
    select
        area_code,
        sum(count) filter (where period_start >= $period_start and period_end <= $period_end) as count,
        sum(count) filter (where period_start >= $before_start and period_end <= $before_end) as count_before,
        avg(population) filter (where period_start >= $period_start and period_end <= $period_end) as population
    from mart_crime_compare_counts
    where scope_code = $scope_code
      and offence_group = $offence_group
      and period_type = $period_type
      and period_start >= least($before_start, $period_start)
      and period_end <= greatest($before_end, $period_end)
    group by area_code
)

select
    area_code,
    count,
    count_before,
    population,
    count * 1000.0 / nullif(population, 0) as rate_per_1000
from spans
order by area_code
