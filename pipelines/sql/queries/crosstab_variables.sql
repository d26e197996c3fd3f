-- The allow-list of cross-tab dimensions of one survey: its kept variables (questions and
-- breakdowns) with label, value labels (JSON code -> label) and wording in da/en/uk.
-- The respondent attributes 'wave' and 'area' are added in Python.
select item, role, label, value_labels, missing_codes, scale, wording_da, wording_en, wording_uk
from survey_items
where survey_id = $survey_id
order by role desc nulls last, item
