-- One survey question's metadata: wording, value labels, top box, scale and sample type, plus
-- the breakdown variables the survey has (role = 'breakdown') with their labels.
select items.item, items.role, items.indicator, items.scale, items.top_box, items.value_labels, items.label,
    items.wording_da, items.wording_en, items.wording_uk, waves.sample_type
from survey_items as items
left join (select distinct survey_id, sample_type from survey_waves) as waves using (survey_id)
where items.survey_id = $survey_id
order by items.role desc, items.item
