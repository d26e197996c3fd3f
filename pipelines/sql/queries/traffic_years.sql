-- Every year of traffic figures for one area (its own or rolled up from its descendants),
-- all road users together: the trend, the prognosis and the headline read this.
select
    year, injury_accidents, fatal_accidents, serious_accidents, slight_accidents,
    unknown_severity_accidents, killed, seriously_injured, slightly_injured, ksi, casualties,
    collision_casualties, is_provisional, months_covered, is_complete_year, population, population_year
from mart_traffic_area_year
where area_code = $area_code and road_user = 'all'
order by year
