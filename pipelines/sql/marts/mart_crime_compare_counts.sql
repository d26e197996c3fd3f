-- The counts behind the crime page's ranking and map, laid out for one filtered scan: one row
-- per scope area × leaf × offence group × period, copied from mart_crime_area_group_period
-- (count and population of the leaf). Sorted by scope, group, period type and start, so DuckDB's
-- zone maps read only the row groups of the chosen scope and group (crime_areas_compare).
with scope as (
    select * from mart_crime_compare_scope
),

leaf_counts as (
    select * from mart_crime_area_group_period
),

final as (
    select
        scope.scope_code,
        leaf_counts.area_code,
        leaf_counts.offence_group,
        leaf_counts.period_type,
        leaf_counts.period_start,
        leaf_counts.period_end,
        leaf_counts.count,
        leaf_counts.population
    from leaf_counts
    join scope on scope.area_code = leaf_counts.area_code
)

select * from final order by scope_code, offence_group, period_type, period_start, area_code
