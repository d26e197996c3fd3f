-- One row per area and data period (period_start, period_end) with the number of crime_counts
-- rows of the area and all its descendants (area_tree, itself included) and their total, so
-- that the overview's crime line (area_summary) sums a few pre-aggregated rows instead of
-- scanning every count of the country. Sorted by area, so one area's rows are adjacent and
-- DuckDB's zone maps skip the rest.
with counts as (
    select * from crime_counts
),

-- distinct pairs: an area counts once in a scope, as in area_summary's `in (...)` test
tree as (
    select distinct ancestor_code, descendant_code from area_tree
),

final as (
    select
        tree.ancestor_code as area_code,
        counts.period_start,
        counts.period_end,
        count(*) as row_count,
        sum(counts.count) as total
    from counts
    join tree on tree.descendant_code = counts.area_code
    group by tree.ancestor_code, counts.period_start, counts.period_end
)

select * from final order by area_code, period_start
