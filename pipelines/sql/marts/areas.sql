-- Public table areas: the reference hierarchy (country → police district → municipality;
-- oblast → raion/city) plus every unresolved label seen in the data, as level 'unknown', so a
-- fact row always has an area.
with reference as (
    select
        area_code,
        area_name,
        level,
        nullif(parent_code, '') as parent_code,
        country,
        nullif(region_code, '') as region_code,
        nullif(map_key, '') as map_key,
        nullif(name_en, '') as name_en,
        nullif(name_uk, '') as name_uk
    from ref_areas
),

unknown as (
    select
        area_code,
        area_label as area_name,
        'unknown' as level,
        cast(null as varchar) as parent_code,
        cast(null as varchar) as country,
        cast(null as varchar) as region_code,
        cast(null as varchar) as map_key,
        cast(null as varchar) as name_en,
        cast(null as varchar) as name_uk
    from stg_area_labels_seen
),

-- Areas that files contributed (police.uk forces and LSOAs); never a code of ref_areas.
contributed as (
    select
        area_code,
        area_name,
        level,
        parent_code,
        country,
        cast(null as varchar) as region_code,
        map_key,
        cast(null as varchar) as name_en,
        cast(null as varchar) as name_uk
    from stg_extra_areas
),

final as (
    select * from reference
    union all
    select * from contributed
    union all
    select * from unknown
)

select * from final
