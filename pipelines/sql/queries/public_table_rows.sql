-- Row counts of the public tables (the contract in pipelines/contracts.py).
select 'areas' as table_name, count(*) as row_count from areas
union all select 'population', count(*) from population
union all select 'crime_counts', count(*) from crime_counts
union all select 'traffic_counts', count(*) from traffic_counts
union all select 'followups', count(*) from followups
union all select 'crime_outcomes', count(*) from crime_outcomes
union all select 'survey_respondents', count(*) from survey_respondents
union all select 'survey_answers', count(*) from survey_answers
union all select 'survey_items', count(*) from survey_items
union all select 'fg_segments', count(*) from fg_segments
union all select 'fg_codes', count(*) from fg_codes
union all select 'fg_sessions', count(*) from fg_sessions
union all select 'fg_codebook', count(*) from fg_codebook
union all select 'ingest_log', count(*) from ingest_log
