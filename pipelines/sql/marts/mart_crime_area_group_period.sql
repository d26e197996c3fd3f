-- One row per area × offence group × period (period_type, period_start), with the count, how
-- it was obtained, the population it is set against and the rate per 1,000 inhabitants.
--
-- Counts per group: the sum of the group's detailed offences when the data have any, else
-- its total category (StatBank's "… i alt"), so a file with both never counts twice.
-- Areas: a count the data report for an area itself is used as is (count_source 'reported');
-- only when the data have no row for the area are its municipalities (or LSOAs) added up
-- (count_source 'summed', n_parts = how many). Sums use the leaf level only, so a file that
-- has municipalities, districts and the whole country is never double counted. Regions are
-- summed through the municipalities' region_code, the tree (country → police district →
-- municipality) through area_tree; "Uoplyst kommune" belongs to the country, not a region.
-- Population: 1 January of the period's first year; when the period is newer than the
-- latest population year, that latest year is used and population_is_latest_available says so.
with counts as (
    select * from crime_counts
),

areas as (
    select * from areas
),

tree as (
    select * from area_tree
),

population as (
    select * from population
),

area_group as (
    select
        area_code,
        offence_group,
        period_type,
        period_start,
        max(period_end) as period_end,
        case
            when bool_or(offence_level = 'detail') then sum(count) filter (where offence_level = 'detail')
            else sum(count) filter (where offence_level = 'total')
        end as count
    from counts
    group by area_code, offence_group, period_type, period_start
),

leaf as (
    select area_group.*
    from area_group
    join areas on areas.area_code = area_group.area_code
    where areas.level in ('municipality', 'lsoa')
),

ancestry as (
    select ancestor_code, descendant_code from tree where depth > 0
    union all
    select region_code, area_code from areas where region_code is not null
),

summed as (
    select
        ancestry.ancestor_code as area_code,
        leaf.offence_group,
        leaf.period_type,
        leaf.period_start,
        max(leaf.period_end) as period_end,
        sum(leaf.count) as count,
        count(*) as n_parts
    from leaf
    join ancestry on ancestry.descendant_code = leaf.area_code
    group by ancestry.ancestor_code, leaf.offence_group, leaf.period_type, leaf.period_start
),

combined as (
    select *, 'reported' as count_source, 1 as n_parts from area_group
    union all
    select
        summed.area_code, summed.offence_group, summed.period_type, summed.period_start,
        summed.period_end, summed.count, 'summed' as count_source, summed.n_parts
    from summed
    anti join area_group
        on area_group.area_code = summed.area_code
        and area_group.offence_group = summed.offence_group
        and area_group.period_type = summed.period_type
        and area_group.period_start = summed.period_start
),

latest_population as (
    select area_code, max(year) as latest_year from population group by area_code
),

final as (
    select
        combined.area_code,
        combined.offence_group,
        combined.period_type,
        combined.period_start,
        combined.period_end,
        cast(combined.count as bigint) as count,
        combined.count_source,
        cast(combined.n_parts as integer) as n_parts,
        population.year as population_year,
        population.population,
        coalesce(year(combined.period_start) > latest_population.latest_year, false) as population_is_latest_available,
        -- per 1,000 inhabitants in the period (not annualised)
        combined.count * 1000.0 / nullif(population.population, 0) as rate_per_1000
    from combined
    left join latest_population on latest_population.area_code = combined.area_code
    left join population
        on population.area_code = combined.area_code
        and population.year = least(year(combined.period_start), latest_population.latest_year)
)

-- Sorted so DuckDB's zone maps skip most row groups for one area or group (page queries).
select * from final order by offence_group, period_type, area_code, period_start
