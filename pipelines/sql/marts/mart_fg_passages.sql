-- One row per focus-group passage (grain: session × passage): the text once, with every code
-- any coder gave it, and its session's date, area and group. The quotes list reads this mart;
-- text is the original (masked in the dashboard before it is shown or exported).
with segments as (
    select * from stg_fg__segments
),

codes as (
    select * from stg_fg__codes
),

sessions as (
    select * from stg_fg__sessions
),

passage_codes as (
    select segments.session_id, segments.passage_id, list(distinct codes.code order by codes.code) as codes
    from segments
    join codes on codes.session_id = segments.session_id and codes.segment_id = segments.segment_id
    group by segments.session_id, segments.passage_id
),

passages as (
    select
        session_id,
        passage_id,
        -- the segments of a passage cover the same text; min() only makes the pick explicit
        min(text) as text,
        min(speaker_role) as speaker_role,
        min(document) as document,
        min(start_pos) as start_pos,
        count(*) as n_segments,
        min(source_sha256) as source_sha256
    from segments
    group by session_id, passage_id
),

final as (
    select
        passages.session_id,
        passages.passage_id,
        sessions.session_date,
        sessions.area_code,
        sessions.participant_group,
        passages.speaker_role,
        passages.text,
        coalesce(passage_codes.codes, []::varchar[]) as codes,
        passages.n_segments,
        passages.document,
        passages.start_pos,
        passages.source_sha256
    from passages
    left join passage_codes on passage_codes.session_id = passages.session_id and passage_codes.passage_id = passages.passage_id
    left join sessions on sessions.session_id = passages.session_id
)

select * from final
