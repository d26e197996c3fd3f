-- Public table fg_segments: coded focus-group segments (one row per session and segment of the
-- file that holds the session), with the session's area and participant group. text is the
-- ORIGINAL passage: personal data are masked in the dashboard (analysis.masking) before any
-- quote is shown or exported. passage_id groups segments that cover the same text (see
-- stg_fg__segments).
with segments as (
    select * from stg_fg__segments
),

sessions as (
    select * from stg_fg__sessions
),

final as (
    select
        segments.session_id,
        segments.segment_id,
        sessions.area_code,
        sessions.participant_group,
        segments.text,
        sessions.session_date,
        segments.passage_id,
        segments.document,
        segments.speaker_role,
        segments.coder,
        segments.start_pos,
        segments.end_pos,
        segments.source_sha256
    from segments
    left join sessions on sessions.session_id = segments.session_id
)

select * from final
