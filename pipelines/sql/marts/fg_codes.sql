-- Public table fg_codes: the codes attached to each focus-group segment, once per segment and
-- code whoever gave it (per-coder rows, for agreement, are in mart_fg_passage_codes).
with codes as (
    select * from stg_fg__codes
),

final as (
    select distinct session_id, segment_id, code
    from codes
)

select * from final
