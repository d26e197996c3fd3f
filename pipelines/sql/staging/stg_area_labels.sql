-- Every distinct area label of every raw table, resolved once to an area code through the
-- reference areas and aliases (stg_area_aliases). The staging models join their rows to this
-- on the label exactly as the file wrote it, so the normalising regular expression and the
-- alias lookup run once per label instead of once per row, and the rules live in one place:
--   resolved_code     the reference (or file-contributed) area, NULL when none matches;
--   area_code         resolved_code, or "?:" + the trimmed label for a label that resolves
--                     nowhere (its rows stay visible and are listed in unmapped_area_labels);
--   label             the label without surrounding blanks (what the public tables show).
-- Built as a table (see pipelines/build.py MATERIALISED): every fact model reads it.
-- Focus-group sessions merge their labels trimmed, so those are listed trimmed as well.
with labels as (
    select distinct area_label from raw_crime_counts
    union
    select distinct area_label from raw_crime_outcomes
    union
    select distinct area_label from raw_followups
    union
    select distinct area_label from raw_traffic_counts
    union
    select distinct area_label from raw_stats19_collisions
    union
    select distinct area_label from raw_traffic_tips
    union
    select distinct area_label from raw_survey_respondents
    union
    select distinct area_label from raw_survey_published
    union
    select distinct trim(area_label) from raw_fg_sessions
),

aliases as (
    select * from stg_area_aliases
),

final as (
    select
        labels.area_label,
        trim(labels.area_label) as label,
        aliases.area_code as resolved_code,
        coalesce(aliases.area_code, '?:' || trim(labels.area_label)) as area_code
    from labels
    left join aliases on aliases.alias_key = normalise_area_name(labels.area_label)
    where labels.area_label is not null
)

select * from final
