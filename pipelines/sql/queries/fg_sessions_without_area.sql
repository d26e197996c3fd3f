-- How many focus-group sessions have no area (tool exports without a sessions template): they
-- cannot follow the sidebar's area, so the page says how many there are.
select count(*) as n_sessions, cast(coalesce(sum(n_passages), 0) as bigint) as n_passages
from fg_sessions
where area_code is null
