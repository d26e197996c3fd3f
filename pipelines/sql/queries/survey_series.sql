-- Every series the trust page can show: questions with microdata first, then published series,
-- from the item bank, with the survey's wording in the three languages. Trust items lead.
select indicator, source_kind, source, survey_name, item, scale, statistic, sample_type, top_box,
    wording_da, wording_en, wording_uk
from survey_indicators
order by source_kind, source, indicator not like 'trust%', indicator, item
