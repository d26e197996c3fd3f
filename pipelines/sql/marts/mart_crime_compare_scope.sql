-- The municipalities (or LSOAs) a crime page ranks and maps, per area that contains them: one
-- row per containing area (scope_code: the country, a region, a police district, a police.uk
-- force) and leaf, with the leaf's names and boundary-file key. A chosen leaf is compared with
-- the leaves of its parent (crime_areas_compare picks the scope), so siblings are not expanded
-- here: that would be leaves² rows for the thousands of LSOAs of a police.uk force.
-- Ancestry: the tree (country → police district → municipality) through area_tree, regions
-- through the municipalities' region_code ("Uoplyst kommune" belongs to the country only).
with areas as (
    select * from areas
),

tree as (
    select * from area_tree
),

ancestry as (
    select ancestor_code, descendant_code from tree where depth > 0
    union
    select region_code, area_code from areas where region_code is not null
),

final as (
    select
        ancestry.ancestor_code as scope_code,
        areas.area_code,
        areas.area_name,
        areas.name_en,
        areas.name_uk,
        areas.level,
        areas.map_key,
        areas.country
    from areas
    join ancestry on ancestry.descendant_code = areas.area_code
    where areas.level in ('municipality', 'lsoa')
)

select * from final order by scope_code, area_code
