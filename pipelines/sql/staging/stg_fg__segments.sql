-- Focus-group segments of the file that holds each session (stg_fg__segment_loads), with the
-- passage they belong to. passage_id merges segments of one document with the same start and
-- end position into one passage, "<document>:<start>-<end>": NVivo's REFI-QDA export writes one
-- selection per code, so one passage coded three times is three segments. This is the "span"
-- unit of analysis.qualitative.coded_segments. Segments without positions (Taguette CSV,
-- templates) are passages of their own.
with raw as (
    select * from raw_fg_segments
),

loads as (
    select * from stg_fg__segment_loads
),

final as (
    select
        raw.session_id,
        raw.segment_id,
        raw.document,
        nullif(trim(raw.speaker_role), '') as speaker_role,
        nullif(trim(raw.coder), '') as coder,
        raw.start_pos,
        raw.end_pos,
        raw.text,
        case
            when raw.start_pos is not null and raw.end_pos is not null and raw.document is not null
                then raw.document || ':' || raw.start_pos || '-' || raw.end_pos
            else raw.segment_id
        end as passage_id,
        raw.source_sha256,
        raw.loaded_at
    from raw
    join loads on loads.session_id = raw.session_id and loads.source_sha256 = raw.source_sha256
)

select * from final
