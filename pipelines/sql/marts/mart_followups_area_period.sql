-- One row per area × period × channel × reason: the follow-ups of an area and everything below
-- it. An area's figure is its own when the source gives one (Rigspolitiet's national 6,355 is
-- not the sum of the districts it names); otherwise the sum over the highest areas below it
-- that have figures for that period, so a district with its own total is never added to its
-- municipalities' rows as well. n_source_areas says how many areas the figure is made of.
with facts as (
    select * from followups
),

tree as (
    select * from area_tree
),

reporting as (
    -- (area, period) pairs that the sources give figures for
    select distinct area_code, period_key from facts
),

covering as (
    -- for each ancestor, the reporting areas below it (or itself) that no other reporting
    -- area between them already covers
    select tree.ancestor_code, reporting.area_code as source_code, reporting.period_key
    from tree
    join reporting on reporting.area_code = tree.descendant_code
    where not exists (
        select 1
        from reporting as higher
        join tree as up on up.ancestor_code = higher.area_code
            and up.descendant_code = reporting.area_code
            and up.depth > 0
        join tree as down on down.ancestor_code = tree.ancestor_code
            and down.descendant_code = higher.area_code
        where higher.period_key = reporting.period_key
    )
),

final as (
    select
        covering.ancestor_code as area_code,
        facts.channel,
        facts.reason,
        facts.period_type,
        facts.period_start,
        facts.period_end,
        facts.period_label,
        facts.period_key,
        cast(sum(facts.count) as bigint) as count,
        count(distinct covering.source_code) as n_source_areas,
        bool_or(facts.is_derived) as is_derived
    from covering
    join facts on facts.area_code = covering.source_code and facts.period_key = covering.period_key
    group by all
)

select * from final
