-- Events to mark on the crime charts (data/reference/events.csv) that concern the chosen
-- area or one of its ancestors, for the chosen offence group or for every group.
with lineage as (
    select ancestor_code from area_tree where descendant_code = $area_code
),

events as (
    select
        cast(event_date as date) as event_date,
        area_code,
        nullif(offence_group, '') as offence_group,
        label_da,
        label_en,
        label_uk,
        source
    from ref_events
),

final as (
    select * from events
    where area_code in (select ancestor_code from lineage)
      and (offence_group is null or offence_group = $offence_group)
)

select * from final order by event_date
