-- Codes given to focus-group segments, from the file that holds each session's segments
-- (stg_fg__segment_loads); one row per segment, code and coder. Code names keep the language
-- and spelling of the tool (they are the researchers' own words); only outer spaces go.
with raw as (
    select * from raw_fg_codes
),

loads as (
    select * from stg_fg__segment_loads
),

final as (
    select distinct
        raw.session_id,
        raw.segment_id,
        trim(raw.code) as code,
        nullif(trim(raw.coder), '') as coder,
        raw.source_sha256
    from raw
    join loads on loads.session_id = raw.session_id and loads.source_sha256 = raw.source_sha256
    where raw.code is not null and trim(raw.code) <> ''
)

select * from final
