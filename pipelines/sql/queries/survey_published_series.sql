-- One published series (source × indicator), all groups and areas, with area display names.
select p.area_code, a.area_name, a.name_en, a.name_uk, a.level, a.map_key, p.breakdown, p.breakdown_value,
    p.wave_label, p.period_start, p.period_end, p.statistic, p.value, p.n, p.scale, p.sample_type,
    p.is_approximate, p.survey_name, p.source_url
from survey_published as p
left join areas as a using (area_code)
where p.source = $source and p.indicator = $indicator
order by p.area_code, p.period_start nulls first
