-- Which loaded file holds each focus-group session's coded segments: the most recently loaded
-- one. A corrected export of the same session (or the same transcript exported again from
-- another tool) replaces the earlier load instead of adding its passages a second time.
with raw as (
    select * from raw_fg_segments
),

loads as (
    select session_id, source_sha256, max(loaded_at) as loaded_at
    from raw
    group by session_id, source_sha256
),

final as (
    select session_id, source_sha256, loaded_at
    from loads
    -- ties (two files in one ingest second) are broken by sha so the choice is deterministic
    qualify row_number() over (partition by session_id order by loaded_at desc, source_sha256 desc) = 1
)

select * from final
