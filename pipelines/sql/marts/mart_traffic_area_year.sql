-- One row per area × year × road user: injury accidents (split by collision severity where
-- the source has it), casualties, killed, seriously and slightly injured, KSI, and the
-- population on 1 January — the wide form of mart_traffic_year, which holds the rules for
-- years from sub-periods, road-user totals and the roll-up to parent areas.
--
-- KSI = killed + seriously_injured (both needed). population is that of 1 January of the
-- year in the areas the figures were added up from (see mart_traffic_year), or of the latest
-- earlier year when the year is newer than the population table (population_year says which).
with rolled as (
    select * from mart_traffic_year
),

wide as (
    select
        area_code,
        year,
        road_user,
        sum(count) filter (where measure = 'injury_accidents') as injury_accidents,
        sum(count) filter (where measure = 'injury_accidents' and severity = 'fatal') as fatal_accidents,
        sum(count) filter (where measure = 'injury_accidents' and severity = 'serious') as serious_accidents,
        sum(count) filter (where measure = 'injury_accidents' and severity = 'slight') as slight_accidents,
        sum(count) filter (where measure = 'injury_accidents' and severity = 'unknown') as unknown_severity_accidents,
        sum(count) filter (where measure = 'casualties') as collision_casualties,
        sum(count) filter (where measure = 'killed') as killed,
        sum(count) filter (where measure = 'seriously_injured') as seriously_injured,
        sum(count) filter (where measure = 'slightly_injured') as slightly_injured,
        bool_or(is_provisional) as is_provisional,
        min(months_covered) as months_covered,
        -- measures may come from differently covered areas; the widest coverage is shown
        max(population) as population,
        min(population_year) as population_year
    from rolled
    group by area_code, year, road_user
),

with_population as (
    select * from wide
),

final as (
    select
        area_code,
        year,
        road_user,
        cast(injury_accidents as bigint) as injury_accidents,
        cast(fatal_accidents as bigint) as fatal_accidents,
        cast(serious_accidents as bigint) as serious_accidents,
        cast(slight_accidents as bigint) as slight_accidents,
        cast(unknown_severity_accidents as bigint) as unknown_severity_accidents,
        cast(killed as bigint) as killed,
        cast(seriously_injured as bigint) as seriously_injured,
        cast(slightly_injured as bigint) as slightly_injured,
        -- KSI is derived here only, from its two parts
        cast(killed + seriously_injured as bigint) as ksi,
        -- casualties: by injury when the source has it, else STATS19's count per collision
        cast(coalesce(killed + seriously_injured + slightly_injured, collision_casualties) as bigint) as casualties,
        cast(collision_casualties as bigint) as collision_casualties,
        is_provisional,
        cast(months_covered as integer) as months_covered,
        months_covered = 12 as is_complete_year,
        population,
        population_year
    from with_population
)

select * from final
