-- Reported offences and charges for the chosen area itself and for every area below it (its
-- municipalities), per offence and period, for charge rates with intervals. depth 0 is the
-- area itself.
with scope as (
    select descendant_code as area_code, depth from area_tree where ancestor_code = $area_code
),

final as (
    select
        o.area_code,
        a.area_name,
        a.name_en,
        a.name_uk,
        scope.depth,
        o.offence_code,
        o.offence_name,
        o.period_type,
        o.period_start,
        o.period_end,
        o.reported,
        o.charged
    from crime_outcomes as o
    join scope on scope.area_code = o.area_code
    join areas as a on a.area_code = o.area_code
)

select * from final
order by offence_code, period_start, depth, area_code
