-- One row per area and each of its descendants (itself included, depth 0), so that a page can
-- total municipalities into a police district without walking the hierarchy itself.
with recursive tree as (
    select area_code as ancestor_code, area_code as descendant_code, 0 as depth
    from areas
    union all
    select tree.ancestor_code, child.area_code, tree.depth + 1
    from tree
    join areas as child on child.parent_code = tree.descendant_code
),

final as (
    select * from tree
)

select * from final
