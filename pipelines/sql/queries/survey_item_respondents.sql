-- Respondent rows for one survey question, for the ui layer's design-based estimates (never
-- shown as rows): wave, area, design columns, the answer, and the answer to one breakdown
-- variable ($breakdown; '' for none). User-missing answers are NULL; respondents whose wave
-- did not ask the question are left out.
-- Reads the survey's wide table (one row per respondent, built by pipelines/survey_wide.py):
-- the table and the columns are chosen by DuckDB from bound values (query_table, columns([…])),
-- never spliced into the SQL; $survey_id, $item and $breakdown must be names the warehouse
-- lists (survey_item_meta), otherwise DuckDB raises a catalogue/binder error.
with respondents as (
    select
        -- wave and area are ENUMs in the wide table; the page joins and filters them as text
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
    where columns(['asked__' || $item])
),

final as (
    select wave, area_code, weight, stratum, psu, value, group_value
    from respondents
)

select * from final
