-- Offence groups with crime data for an area (itself or summed from its municipalities/LSOAs),
-- with the period types available and the latest period end of each.
select
    offence_group,
    period_type,
    min(period_start) as first_start,
    max(period_end) as last_end,
    sum(count) as total
from mart_crime_area_group_period
where area_code = $area_code
group by offence_group, period_type
order by offence_group, period_type
