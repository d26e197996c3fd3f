-- Public table population: inhabitants on 1 January of each year (reference table, built
-- from Statistics Denmark FOLK1A; see data/reference/README.md).
with reference as (
    select * from ref_population
),

final as (
    select
        area_code,
        cast(year as integer) as year,
        cast(population as bigint) as population
    from reference
)

select * from final
