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

reference_keys as (
    select distinct normalise_area_name(alias) as alias_key, area_code
    from (select * from aliases union all select * from own_names)
    where alias is not null and trim(alias) <> ''
),

-- Names and codes of areas that files contributed (stg_extra_areas); a spelling that already
-- means a reference area keeps meaning it.
extra_keys as (
    select distinct normalise_area_name(alias) as alias_key, area_code
    from (
        select area_name as alias, area_code from stg_extra_areas
        union all
        select area_code, area_code from stg_extra_areas
    )
    where alias is not null and trim(alias) <> ''
      and normalise_area_name(alias) not in (select alias_key from reference_keys)
),

final as (
    select * from reference_keys
    union all
    select * from extra_keys
)

select * from final
