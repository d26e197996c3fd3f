-- Respondent rows for one survey question, for the ui layer's design-based estimates (never
-- shown as rows): wave, area, design columns, the answer, and the answer to one breakdown
-- variable ($breakdown; '' for none). User-missing answers are NULL.
-- Reads the survey's wide table (one row per respondent, built by pipelines/survey_wide.py):
-- the table and the columns are chosen by DuckDB from bound values (query_table, columns([…])),
-- never spliced into the SQL; $survey_id, $item and $breakdown must be names the warehouse
-- lists (survey_item_meta), otherwise DuckDB raises a catalogue/binder error.
with asked as (
    -- the waves that asked the question (a NULL in the wide table may mean "not asked")
    select cast(wave as varchar) as wave
    from mart_survey_item_waves
    where survey_id = $survey_id and item = $item
),

respondents as (
    select
        cast(wave as varchar) as wave,
        cast(area_code as varchar) as area_code,
        weight,
        stratum,
        psu,
        columns(['item__' || $item]) as value,
        -- with no breakdown the column picked is the question's own, then replaced by NULL
        case
            when $breakdown = '' then cast(null as double)
            else columns(['item__' || coalesce(nullif($breakdown, ''), $item)])
        end as group_value
    from query_table('mart_survey_wide__' || $survey_id)
),

final as (
    select wave, area_code, weight, stratum, psu, value, group_value
    from respondents
    where wave in (select wave from asked)
)

select * from final
