-- Respondent rows of one survey for a cross-tab (read by the export layer and ui/crosstab.py;
-- never shown as rows): wave, design columns and the three dimensions, pivoted from the long
-- survey_answers here. Every name is a bound value: $row, $col and $layer are item names
-- (checked in Python against survey_items first) or the respondent attributes 'wave' and
-- 'area'; $layer is '' for none. A dimension's code is the answer as text ('1', '10', '2.5'),
-- the wave id or the area code, its rank the numeric answer or the wave's order (for sorting).
-- Filters: $filter_dims[i] must take one of the codes listed for it in $filter_codes[i]
-- (parallel lists; a dimension listed twice accepts either code). Respondents outside the
-- filters are NOT dropped: is_selected is false for them, so the caller can keep them in the
-- design as R's subset(design, …) does (domain estimation) while leaving them out of the table.
with respondents as (
    select
        respondents.wave,
        respondents.respondent_id,
        respondents.area_code,
        respondents.weight,
        respondents.stratum,
        respondents.psu,
        waves.wave_order
    from survey_respondents as respondents
    left join survey_waves as waves using (survey_id, wave)
    where respondents.survey_id = $survey_id
),

wanted as (
    select distinct unnest(list_concat([$row, $col, $layer], cast($filter_dims as varchar[]))) as item
),

answers as (
    select
        answers.wave,
        answers.respondent_id,
        answers.item,
        answers.value,
        -- whole numbers without '.0', so codes match the value-label keys ('1', not '1.0')
        case
            when answers.value = trunc(answers.value) then cast(cast(answers.value as bigint) as varchar)
            else cast(answers.value as varchar)
        end as code
    from survey_answers as answers
    where answers.survey_id = $survey_id
        and answers.item in (select item from wanted)
),

-- the pivot: one hash join per dimension (cheaper than grouping a million respondents)
row_answers as (
    select wave, respondent_id, code as row_item_code, value as row_item_rank from answers where item = $row
),

col_answers as (
    select wave, respondent_id, code as col_item_code, value as col_item_rank from answers where item = $col
),

layer_answers as (
    select wave, respondent_id, code as layer_item_code, value as layer_item_rank from answers where item = $layer
),

filters as (
    select unnest(cast($filter_dims as varchar[])) as dim, unnest(cast($filter_codes as varchar[])) as code
),

filter_hits as (
    -- one row per respondent and filter dimension it satisfies
    select distinct answers.wave, answers.respondent_id, filters.dim
    from answers
    inner join filters on filters.dim = answers.item and filters.code = answers.code
    union
    select distinct respondents.wave, respondents.respondent_id, filters.dim
    from respondents
    inner join filters
        on (filters.dim = 'wave' and filters.code = respondents.wave)
        or (filters.dim = 'area' and filters.code = respondents.area_code)
),

passing as (
    select wave, respondent_id
    from filter_hits
    group by wave, respondent_id
    having count(distinct dim) = (select count(distinct dim) from filters)
),

joined as (
    select
        respondents.*,
        row_answers.* exclude (wave, respondent_id),
        col_answers.* exclude (wave, respondent_id),
        layer_answers.* exclude (wave, respondent_id),
        (select count(*) from filters) = 0 or passing.respondent_id is not null as is_selected
    from respondents
    left join row_answers using (wave, respondent_id)
    left join col_answers using (wave, respondent_id)
    left join layer_answers using (wave, respondent_id)
    left join passing using (wave, respondent_id)
),

final as (
    select
        wave,
        respondent_id,
        weight,
        stratum,
        psu,
        is_selected,
        case $row when 'wave' then wave when 'area' then area_code else row_item_code end as row_code,
        case $row when 'wave' then wave_order when 'area' then null else row_item_rank end as row_rank,
        case $col when 'wave' then wave when 'area' then area_code else col_item_code end as col_code,
        case $col when 'wave' then wave_order when 'area' then null else col_item_rank end as col_rank,
        case $layer when '' then null when 'wave' then wave when 'area' then area_code else layer_item_code end as layer_code,
        case $layer when '' then null when 'wave' then wave_order when 'area' then null else layer_item_rank end as layer_rank
    from joined
)

select * from final
