-- Collisions and their casualties by collision severity (sources with collision-level rows,
-- such as STATS19) for one area and year; 'unknown' is a severity of its own, never dropped.
with rows as (
    select severity, measure, count
    from mart_traffic_year
    where area_code = $area_code and year = $year and road_user = 'all' and severity <> 'all'
),

final as (
    select
        severity,
        cast(coalesce(sum(count) filter (where measure = 'injury_accidents'), 0) as bigint) as collisions,
        cast(coalesce(sum(count) filter (where measure = 'casualties'), 0) as bigint) as casualties
    from rows
    group by severity
)

select * from final
order by case severity when 'fatal' then 1 when 'serious' then 2 when 'slight' then 3 else 4 end
