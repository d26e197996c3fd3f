-- Citizens' traffic tips about places in an area (and its descendants) in one year.
select
    tips.tip_date, tips.area_code, areas.area_name, tips.place, tips.tip_type, tips.latitude, tips.longitude
from traffic_tips as tips
join area_tree as tree on tree.descendant_code = tips.area_code
join areas on areas.area_code = tips.area_code
where tree.ancestor_code = $area_code and year(tips.tip_date) = $year
order by tips.tip_date, tips.place
