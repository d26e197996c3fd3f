-- Display names and map keys of the areas survey respondents live in.
select distinct a.area_code, a.area_name, a.name_en, a.name_uk, a.level, a.map_key
from survey_respondents as r
inner join areas as a using (area_code)
