-- Offence labels in the data that the taxonomy does not know (kept, never dropped), with
-- their row count and total, so a user can add them to data/reference/offence_labels.csv.
select offence_name, count(*) as row_count, sum(count) as total
from crime_counts
where offence_group = 'unknown'
group by offence_name
order by offence_name
