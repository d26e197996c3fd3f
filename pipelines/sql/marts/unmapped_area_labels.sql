-- Area labels in the data that match no reference area or alias, with where they were seen;
-- the Data sources page lists them so a user can add an alias instead of losing rows.
with seen as (
    select * from stg_area_labels_seen
),

final as (
    select area_code, area_label, seen_in from seen
)

select * from final
