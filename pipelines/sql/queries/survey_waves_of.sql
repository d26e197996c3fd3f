-- The waves of one survey in order, with fieldwork dates and respondents loaded.
select wave, wave_label, wave_order, fieldwork_start, fieldwork_end, mode, sample_type, n_respondents
from survey_waves
where survey_id = $survey_id
order by wave_order
