-- Follow-ups for the chosen area, for its country (the national figure) and for its peers
-- (the areas it is ranked among: police districts for a country or a district, else the
-- areas of its own level), from mart_followups_area_period, with the population on
-- 1 January of each period's year, or of the latest earlier year when that year is not yet in
-- the population table (population_year says which); NULL when the period is not stated.
with selected as (
    select
        area_code,
        country,
        case when level = 'country' then 'police_district' else level end as peer_level
    from areas
    where area_code = $area_code
),

scoped as (
    select
        a.area_code,
        a.area_name,
        a.name_en,
        a.name_uk,
        a.level,
        a.area_code = s.area_code as is_selected,
        a.area_code = s.country as is_national,
        a.level = s.peer_level and a.country = s.country as is_peer
    from areas as a
    cross join selected as s
    where a.area_code = s.area_code
       or a.area_code = s.country
       or (a.level = s.peer_level and a.country = s.country)
),

final as (
    select
        scoped.*,
        f.channel,
        f.reason,
        f.period_type,
        f.period_start,
        f.period_end,
        f.period_label,
        f.period_key,
        f.count,
        f.is_derived,
        p.year as population_year,
        p.population
    from scoped
    join mart_followups_area_period as f on f.area_code = scoped.area_code
    left join population as p
        on p.area_code = f.area_code
        and p.year = (
            select max(q.year) from population as q
            where q.area_code = f.area_code and q.year <= year(f.period_start)
        )
)

select * from final
order by area_code, period_key, channel, reason
