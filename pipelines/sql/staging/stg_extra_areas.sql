-- Areas that input files bring with them (police.uk forces and LSOAs), one row per code.
-- A file-contributed area never overrides a reference area: codes already in ref_areas are
-- left out here. When several files describe the same code, the most recently loaded wins.
with raw as (
    select * from raw_extra_areas
),

reference as (
    select area_code from ref_areas
),

ranked as (
    select
        *,
        row_number() over (partition by area_code order by loaded_at desc, source_sha256 desc) as file_rank
    from raw
    where area_code not in (select area_code from reference)
),

final as (
    select
        trim(area_code) as area_code,
        trim(area_name) as area_name,
        level,
        nullif(trim(parent_code), '') as parent_code,
        country,
        nullif(trim(map_key), '') as map_key
    from ranked
    where file_rank = 1
)

select * from final
