-- One survey's respondents summed for a cross-tab (read by pipelines/export_cli.py, which the
-- command line and ui/crosstab.py call): per (row code, column code, layer code, stratum, PSU)
-- the respondents, those with a positive weight, Σweight, Σweight², the smallest weight and the
-- weights missing — the column contract of analysis.crosstab.crosstab_from_sums. Every
-- statistic of the cross-tab needs only these sums (without a PSU column each respondent is its
-- own PSU and Σw, Σw² per cell and stratum suffice), so a million respondents leave DuckDB as a
-- few hundred rows.
-- The respondents are read from the survey's wide table (one row per respondent, pivoted at
-- build time by pipelines/survey_wide.py). Every name is a bound value: $row, $col and $layer
-- are item names (checked in Python against survey_items first) or the respondent attributes
-- 'wave' and 'area'; $layer is '' for none. DuckDB itself picks the table
-- (query_table('mart_survey_wide__' || $survey_id)) and the columns (columns([…]) with a list of
-- names), so no name is ever spliced into SQL text, and only the columns a request needs are
-- read. $strata and $psu say whether the design has strata and PSUs (false: the column is not
-- grouped on, and its key is NULL).
-- A dimension's code is the answer as text ('1', '10', '2.5'; an ENUM of the survey's codes,
-- a Categorical in polars), the wave id or the area code; its rank (the smallest in the group)
-- the numeric answer or the wave's order, for the display order; 'area' has no rank.
-- Filters: $filter_dims[i] must take one of the codes listed for it in $filter_codes[i]
-- (parallel lists; a dimension listed twice accepts either code). Respondents outside the
-- filters are NOT dropped: their row code is NULL, so they stay in the design (stratum sizes,
-- PSU counts) as in R's subset(design, …) (domain estimation) while staying out of the table.
-- The filtered dimensions are grouped on too, and the filters are applied to those groups.
-- Only the columns a request has are grouped on — ENUMs, plus text strata and PSUs when the
-- design has them — because a text or constant key (even an all-NULL one) costs DuckDB's
-- group-by several times the ENUMs' cost. A key a request lacks (no layer, strata or PSU) is
-- added as NULL to the few grouped rows; so is a rank the dimension lacks ('area': its min()
-- reads wave_order, then is replaced by NULL).
with grouped as (
    select
        -- the key columns a request has: row, col, layer, stratum, PSU and the filtered dimensions
        columns(list_distinct(list_filter(list_concat(
            [
                case $row when 'wave' then 'wave' when 'area' then 'area_code' else 'code__' || $row end,
                case $col when 'wave' then 'wave' when 'area' then 'area_code' else 'code__' || $col end,
                case $layer when '' then null when 'wave' then 'wave' when 'area' then 'area_code' else 'code__' || $layer end,
                case when $strata then 'stratum' end,
                case when $psu then 'psu' end
            ],
            list_transform(
                cast($filter_dims as varchar[]),
                lambda d: case d when 'wave' then 'wave' when 'area' then 'area_code' else 'code__' || d end
            )
        ), lambda c: c is not null))),
        min(columns([case when $row in ('wave', 'area') then 'wave_order' else 'item__' || $row end])) as row_rank,
        min(columns([case when $col in ('wave', 'area') then 'wave_order' else 'item__' || $col end])) as col_rank,
        min(columns([case when $layer in ('', 'wave', 'area') then 'wave_order' else 'item__' || $layer end])) as layer_rank,
        count(*) as n_rows,
        count(*) filter (where weight > 0) as n_positive,
        sum(weight) as weight_sum,
        sum(weight * weight) as weight_sq_sum,
        min(weight) as weight_min,
        count(*) - count(weight) as n_weight_missing
    from query_table('mart_survey_wide__' || $survey_id)
    group by all
),

named as (
    -- a number per group for the filter step, and the NULL that columns() picks for a missing key
    select row_number() over () as group_row, *, cast(null as varchar) as no_value
    from grouped
),

keyed as (
    select
        group_row,
        columns([case $row when 'wave' then 'wave' when 'area' then 'area_code' else 'code__' || $row end]) as row_code,
        columns([case $col when 'wave' then 'wave' when 'area' then 'area_code' else 'code__' || $col end]) as col_code,
        columns([case $layer when '' then 'no_value' when 'wave' then 'wave' when 'area' then 'area_code' else 'code__' || $layer end]) as layer_code,
        columns([case when $strata then 'stratum' else 'no_value' end]) as stratum,
        columns([case when $psu then 'psu' else 'no_value' end]) as psu,
        case when $row = 'area' then null else cast(row_rank as double) end as row_rank,
        case when $col = 'area' then null else cast(col_rank as double) end as col_rank,
        case when $layer in ('', 'area') then null else cast(layer_rank as double) end as layer_rank,
        n_rows, n_positive, weight_sum, weight_sq_sum, weight_min, n_weight_missing
    from named
),

filter_values as (
    -- the filtered dimensions' codes, one row per group and dimension (NULL codes dropped)
    unpivot (
        select
            group_row,
            columns(list_distinct(list_concat(
                ['no_value'],
                list_transform(
                    cast($filter_dims as varchar[]),
                    lambda d: case d when 'wave' then 'wave' when 'area' then 'area_code' else 'code__' || d end
                )
            )))
        from named
    ) on columns(* exclude (group_row)) into name column_name value code
),

passing as (
    -- groups whose code is one of the listed codes in every filtered dimension (each
    -- dimension's column appears once per group in filter_values)
    select group_row
    from filter_values
    where list_contains(
        list_transform(
            list_zip(cast($filter_dims as varchar[]), cast($filter_codes as varchar[])),
            lambda f: (case f[1] when 'wave' then 'wave' when 'area' then 'area_code' else 'code__' || f[1] end)
                || '=' || f[2]
        ),
        column_name || '=' || cast(code as varchar)
    )
    group by group_row
    having count(*) = len(list_distinct(cast($filter_dims as varchar[])))
),

final as (
    select
        case
            when len(cast($filter_dims as varchar[])) = 0 then keyed.row_code
            when keyed.group_row in (select group_row from passing) then keyed.row_code
        end as row_code,
        keyed.col_code,
        keyed.layer_code,
        keyed.stratum,
        keyed.psu,
        cast(min(keyed.row_rank) as double) as row_rank,
        cast(min(keyed.col_rank) as double) as col_rank,
        cast(min(keyed.layer_rank) as double) as layer_rank,
        cast(sum(keyed.n_rows) as bigint) as n_rows,
        cast(sum(keyed.n_positive) as bigint) as n_positive,
        sum(keyed.weight_sum) as weight_sum,
        sum(keyed.weight_sq_sum) as weight_sq_sum,
        min(keyed.weight_min) as weight_min,
        cast(sum(keyed.n_weight_missing) as bigint) as n_weight_missing
    from keyed
    group by all
)

select * from final
