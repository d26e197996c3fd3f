-- Every spelling that resolves to an area: the reference aliases plus each area's own names,
-- keyed by the normalised form (casefolded, æ/ø/å spelled out, no spaces or hyphens), so that
-- "Århus", "Aarhus" and "AARHUS" meet.
with aliases as (
    select alias, area_code from ref_area_aliases
),

own_names as (
    select area_name as alias, area_code from ref_areas
    union all
    select name_en, area_code from ref_areas where name_en is not null
    union all
    select name_uk, area_code from ref_areas where name_uk is not null
    union all
    select area_code, area_code from ref_areas
),

final as (
    select distinct normalise_area_name(alias) as alias_key, area_code
    from (select * from aliases union all select * from own_names)
    where alias is not null and trim(alias) <> ''
)

select * from final
