-- One row per area × year × measure × road user × severity, for every area with data of its
-- own or of its descendants (the long form behind mart_traffic_area_year; see there for the
-- rules).
--
-- 1. Years from sub-periods: a year is taken from the grain (year, half year, quarter or
--    month) that covers most of it, never from two grains at once (no double counting when
--    a file gives the year and another its quarters). months_covered says how much of the
--    year the chosen grain covers; for STATS19 a month without a collision is a zero, so a
--    collision file covers every month from its first to its last collision in the year.
-- 2. Road users: when a source gives only the split by road user, the total ('all') is
--    their sum.
-- 3. Roll-up: an area's figure is its own when it has one; otherwise the sum over its
--    shallowest descendants that have one (a district from its municipalities, the country
--    from its regions when a file has both regions and municipalities — never both levels).
-- 4. population: the 1 January population of the areas the figure was added up from (the
--    latest earlier year when the year is newer than the population table).
with counts as (
    select * from traffic_counts where period_type <> 'week'
),

file_months as (
    -- a file's span in each year: its first to its last month there (a month inside the
    -- span without a collision in some area is a zero, not a gap)
    select source_sha256, year, unnest(generate_series(first_month, last_month)) as month
    from (
        select source_sha256, year(period_start) as year, min(month(period_start)) as first_month, max(month(period_end)) as last_month
        from counts
        group by all
    )
),

row_months as (
    -- collision-level rows (severity split): the file's span in that year
    select c.area_code, year(c.period_start) as year, c.measure, c.road_user, c.period_type, m.month
    from counts as c
    join file_months as m on m.source_sha256 = c.source_sha256 and m.year = year(c.period_start)
    where c.severity <> 'all'
    union
    -- aggregate rows: the months of their own period
    select area_code, year(period_start), measure, road_user, period_type,
        unnest(generate_series(month(period_start), month(period_end)))
    from counts
    where severity = 'all'
),

grain_coverage as (
    select area_code, year, measure, road_user, period_type, count(distinct month) as months_covered
    from row_months
    group by all
),

grains as (
    select
        area_code, year(period_start) as year, measure, road_user, period_type, severity,
        sum(count) as count,
        bool_or(status = 'provisional') as is_provisional
    from counts
    group by all
),

grain_choice as (
    select
        g.area_code, g.year, g.measure, g.road_user, g.period_type, cov.months_covered,
        row_number() over (
            partition by g.area_code, g.year, g.measure, g.road_user
            order by cov.months_covered desc, bool_or(g.is_provisional) asc,
                case g.period_type when 'year' then 1 when 'half_year' then 2 when 'quarter' then 3 else 4 end
        ) as choice
    from grains as g
    join grain_coverage as cov using (area_code, year, measure, road_user, period_type)
    group by g.area_code, g.year, g.measure, g.road_user, g.period_type, cov.months_covered
),

chosen as (
    select g.area_code, g.year, g.measure, g.road_user, g.severity, g.count, g.is_provisional, c.months_covered
    from grains as g
    join grain_choice as c using (area_code, year, measure, road_user, period_type)
    where c.choice = 1
),

with_totals as (
    select * from chosen
    union all
    select area_code, year, measure, 'all', severity, sum(count), bool_or(is_provisional), min(months_covered)
    from chosen as c
    where road_user <> 'all'
      and not exists (
          select 1 from chosen as t
          where t.area_code = c.area_code and t.year = c.year and t.measure = c.measure and t.road_user = 'all'
      )
    group by area_code, year, measure, severity
),

candidates as (
    select tree.ancestor_code, tree.depth, w.*, pop.population, pop.year as population_year
    from with_totals as w
    join area_tree as tree on tree.descendant_code = w.area_code
    -- population of the contributing area on 1 January (latest earlier year when newer)
    asof left join population as pop on pop.area_code = w.area_code and pop.year <= w.year
),

shallowest as (
    select ancestor_code, year, measure, road_user, min(depth) as depth
    from candidates
    group by all
),

rolled as (
    select
        c.ancestor_code as area_code, c.year, c.measure, c.road_user, c.severity,
        sum(c.count) as count,
        bool_or(c.is_provisional) as is_provisional,
        min(c.months_covered) as months_covered,
        -- the population the figure covers: the sum over the areas it was added up from (a
        -- country rolled up from two districts' municipalities covers those only)
        case when count(*) = count(c.population) then sum(c.population) end as population,
        min(c.population_year) as population_year
    from candidates as c
    join shallowest as s using (ancestor_code, year, measure, road_user, depth)
    group by all
),

final as (
    select
        area_code, year, measure, road_user, severity,
        cast(count as bigint) as count,
        is_provisional,
        cast(months_covered as integer) as months_covered,
        cast(population as bigint) as population,
        cast(population_year as integer) as population_year
    from rolled
)

select * from final
