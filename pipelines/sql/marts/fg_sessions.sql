-- Public table fg_sessions: one row per focus-group session with its date, area, participant
-- group and number of participants (NULL where no file gives them), and what the warehouse
-- holds for it: segments and passages from the file that holds the session (source_file).
-- session_date places a session in the sidebar's period; a session without a date is kept.
with sessions as (
    select * from stg_fg__sessions
),

segments as (
    select * from stg_fg__segments
),

loads as (
    select * from stg_fg__segment_loads
),

files as (
    select sha256, min(file_name) as file_name
    from ingest_log
    where status = 'accepted'
    group by sha256
),

counts as (
    select
        session_id,
        count(*) as n_segments,
        count(distinct passage_id) as n_passages
    from segments
    group by session_id
),

final as (
    select
        sessions.session_id,
        sessions.session_date,
        sessions.area_code,
        sessions.participant_group,
        sessions.n_participants,
        coalesce(counts.n_segments, 0) as n_segments,
        coalesce(counts.n_passages, 0) as n_passages,
        sessions.area_label,
        sessions.latest_source_format as source_format,
        files.file_name as source_file,
        loads.source_sha256
    from sessions
    left join counts on counts.session_id = sessions.session_id
    left join loads on loads.session_id = sessions.session_id
    left join files on files.sha256 = loads.source_sha256
)

select * from final
