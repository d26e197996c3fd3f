-- Killed, seriously and slightly injured and injury accidents by road user for one area and year.
select
    road_user, injury_accidents, killed, seriously_injured, slightly_injured, ksi, casualties, is_provisional
from mart_traffic_area_year
where area_code = $area_code and year = $year and road_user not in ('all')
order by coalesce(casualties, injury_accidents, 0) desc, road_user
