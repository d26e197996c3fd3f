-- The municipalities (or LSOAs) a crime page ranks and maps for a comparison scope (a country,
-- region, police district or police.uk force: ui.crime.comparison_scope picks it), with names,
-- level, boundary-file key and whether each is the chosen area. Every leaf is listed, with or
-- without counts, so the map draws each one; crime_areas_compare gives their counts.
select
    area_code,
    area_name,
    name_en,
    name_uk,
    level,
    map_key,
    country,
    area_code = $area_code as is_chosen
from mart_crime_compare_scope
where scope_code = $scope_code
order by area_code
