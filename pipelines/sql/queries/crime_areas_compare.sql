-- Municipalities (or LSOAs) to rank and map for a chosen area: its own municipalities, or,
-- for a municipality, those of its police district (its parent). Counts in a span and in the
-- comparison span, mean population and the boundary-file key.
with chosen as (
    select area_code, parent_code, level from areas where area_code = $area_code
),

ancestry as (
    select ancestor_code, descendant_code from area_tree where depth > 0
    union all
    select region_code, area_code from areas where region_code is not null
),

leaves as (
    select area_code, area_name, name_en, name_uk, level, map_key, country
    from areas
    where level in ('municipality', 'lsoa')
),

own as (
    select leaves.*
    from leaves
    join ancestry on ancestry.descendant_code = leaves.area_code
    where ancestry.ancestor_code = $area_code
),

siblings as (
    select leaves.*
    from leaves
    join ancestry on ancestry.descendant_code = leaves.area_code
    join chosen on ancestry.ancestor_code = chosen.parent_code
    where chosen.level in ('municipality', 'lsoa')
),

scope as (
    select * from own
    union all
    select * from siblings where not exists (select 1 from own)
),

series as (
    select mart.*
    from mart_crime_area_group_period as mart
    semi join scope on scope.area_code = mart.area_code
    where mart.offence_group = $offence_group and mart.period_type = $period_type
      and mart.period_start >= least($before_start, $period_start)
      and mart.period_end <= greatest($before_end, $period_end)
),

current_span as (
    select area_code, sum(count) as count, avg(population) as population
    from series
    where period_start >= $period_start and period_end <= $period_end
    group by area_code
),

before_span as (
    select area_code, sum(count) as count_before
    from series
    where period_start >= $before_start and period_end <= $before_end
    group by area_code
),

final as (
    select
        scope.area_code,
        scope.area_name,
        scope.name_en,
        scope.name_uk,
        scope.level,
        scope.map_key,
        scope.country,
        current_span.count,
        before_span.count_before,
        current_span.population,
        current_span.count * 1000.0 / nullif(current_span.population, 0) as rate_per_1000,
        scope.area_code = $area_code as is_chosen
    from scope
    left join current_span on current_span.area_code = scope.area_code
    left join before_span on before_span.area_code = scope.area_code
)

select * from final order by area_code
