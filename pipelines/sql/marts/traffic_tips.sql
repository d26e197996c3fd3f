-- Public table traffic_tips: one row per citizen's tip about a place where traffic is too
-- fast or dangerous. A place description, never a person: the template asks for no names.
with tips as (
    select * from stg_traffic__tips
),

final as (
    select
        tip_id,
        area_code,
        tip_date,
        place,
        latitude,
        longitude,
        tip_type
    from tips
)

select * from final
