-- The chosen area and its child areas in one year: injury accidents, KSI, population and the
-- number of citizens' tips received that year about places in the area (tips beside accidents).
with scope as (
    select descendant_code as area_code, depth
    from area_tree
    where ancestor_code = $area_code and depth <= 1
),

figures as (
    select area_code, injury_accidents, ksi, casualties, population, is_provisional
    from mart_traffic_area_year
    where year = $year and road_user = 'all'
),

tips as (
    select tree.ancestor_code as area_code, count(*) as tips
    from traffic_tips
    join area_tree as tree on tree.descendant_code = traffic_tips.area_code
    where year(traffic_tips.tip_date) = $year
    group by tree.ancestor_code
),

final as (
    select
        scope.area_code,
        areas.area_name,
        areas.name_en,
        areas.name_uk,
        scope.depth,
        figures.injury_accidents,
        figures.ksi,
        figures.casualties,
        figures.population,
        figures.is_provisional,
        cast(coalesce(tips.tips, 0) as bigint) as tips
    from scope
    join areas using (area_code)
    left join figures using (area_code)
    left join tips using (area_code)
    where figures.area_code is not null or tips.area_code is not null
)

select * from final
order by depth, area_name
