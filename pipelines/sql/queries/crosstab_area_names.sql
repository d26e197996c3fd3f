-- Display names of the areas one survey's respondents live in (codes '?:label' for unresolved
-- labels are not in areas and keep their label).
select distinct respondents.area_code, areas.area_name, areas.name_en, areas.name_uk
from survey_respondents as respondents
left join areas using (area_code)
where respondents.survey_id = $survey_id and respondents.area_code is not null
order by respondents.area_code
