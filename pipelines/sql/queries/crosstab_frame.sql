-- Respondent rows of one survey for a cross-tab (read by the export layer and ui/crosstab.py;
-- never shown as rows): design columns and the three dimensions, read from the survey's wide
-- table (one row per respondent, pivoted at build time by pipelines/survey_wide.py).
-- Every name is a bound value: $row, $col and $layer are item names (checked in Python against
-- survey_items first) or the respondent attributes 'wave' and 'area'; $layer is '' for none.
-- DuckDB itself picks the table (query_table('mart_survey_wide__' || $survey_id)) and the
-- columns (columns([…]) with a list of one name), so no name is ever spliced into SQL text, and
-- only the columns a request needs are read.
-- A dimension's code is the answer as text ('1', '10', '2.5'; an ENUM of the survey's codes,
-- a Categorical in polars), the wave id or the area code; its rank the numeric answer or the
-- wave's order (for sorting).
-- Filters: $filter_dims[i] must take one of the codes listed for it in $filter_codes[i]
-- (parallel lists; a dimension listed twice accepts either code). Respondents outside the
-- filters are NOT dropped: is_selected is false for them, so the caller can keep them in the
-- design as R's subset(design, …) does (domain estimation) while leaving them out of the table.
with respondents as (
    select
        respondent_row,
        weight,
        stratum,
        psu,
        columns([case $row when 'wave' then 'wave' when 'area' then 'area_code' else 'code__' || $row end]) as row_code,
        -- 'area' has no rank; the column picked for it is replaced by NULL
        case when $row = 'area' then null else cast(
            columns([case when $row in ('wave', 'area') then 'wave_order' else 'item__' || $row end]) as double
        ) end as row_rank,
        columns([case $col when 'wave' then 'wave' when 'area' then 'area_code' else 'code__' || $col end]) as col_code,
        case when $col = 'area' then null else cast(
            columns([case when $col in ('wave', 'area') then 'wave_order' else 'item__' || $col end]) as double
        ) end as col_rank,
        -- no layer ($layer = ''): the wave columns are picked and replaced by NULL
        case when $layer = '' then null else
            columns([case $layer when '' then 'wave' when 'wave' then 'wave' when 'area' then 'area_code' else 'code__' || $layer end])
        end as layer_code,
        case when $layer in ('', 'area') then null else cast(
            columns([case when $layer in ('', 'wave', 'area') then 'wave_order' else 'item__' || $layer end]) as double
        ) end as layer_rank
    from query_table('mart_survey_wide__' || $survey_id)
),

filters as (
    select
        unnest(cast($filter_dims as varchar[])) as dim,
        unnest(cast($filter_codes as varchar[])) as code
),

filter_columns as (
    select
        dim,
        code,
        case dim when 'wave' then 'wave' when 'area' then 'area_code' else 'code__' || dim end as column_name
    from filters
),

filter_values as (
    -- the filtered dimensions' codes, one row per respondent and dimension; read only when
    -- there are filters ('wave' is always listed so the column list is never empty)
    unpivot (
        select
            respondent_row,
            columns(list_distinct(list_concat(
                ['wave'],
                list_transform(
                    cast($filter_dims as varchar[]),
                    lambda d: case d when 'wave' then 'wave' when 'area' then 'area_code' else 'code__' || d end
                )
            )))
        from query_table('mart_survey_wide__' || $survey_id)
        where len(cast($filter_dims as varchar[])) > 0
    ) on columns(* exclude (respondent_row)) into name column_name value code
),

filter_hits as (
    -- one row per respondent and filter dimension it satisfies
    select distinct filter_values.respondent_row, filter_columns.dim
    from filter_values
    inner join filter_columns
        on filter_columns.column_name = filter_values.column_name
        and filter_columns.code = cast(filter_values.code as varchar)
),

passing as (
    select respondent_row
    from filter_hits
    group by respondent_row
    having count(distinct dim) = (select count(distinct dim) from filters)
),

final as (
    select
        respondents.weight,
        respondents.stratum,
        respondents.psu,
        -- without filters no respondent is looked up (a join here cost as much as the scan)
        case
            when (select count(*) from filters) = 0 then true
            else respondents.respondent_row in (select respondent_row from passing)
        end as is_selected,
        respondents.row_code,
        respondents.row_rank,
        respondents.col_code,
        respondents.col_rank,
        respondents.layer_code,
        respondents.layer_rank
    from respondents
)

select * from final
