-- Killed, seriously and slightly injured and injury accidents by road user for one area, in
-- the latest year up to $year that has a breakdown by road user (provisional figures often
-- come without one); the year is returned so the page can say which.
with split as (
    select * from mart_traffic_area_year
    where area_code = $area_code and road_user <> 'all' and year <= $year
),

final as (
    select
        year, road_user, injury_accidents, killed, seriously_injured, slightly_injured, ksi, casualties, is_provisional
    from split
    where year = (select max(year) from split)
)

select * from final
order by coalesce(casualties, injury_accidents, 0) desc, road_user
