-- Areas a user can choose in the sidebar, with their parent and depth for indentation.
select area_code, area_name, name_en, name_uk, level, parent_code, country
from areas
where level <> 'unknown'
order by country, area_code
