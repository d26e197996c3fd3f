-- The names to mask in each session's quotes: every name any file gives for the session
-- (union, not latest-wins: masking one name too many is the safe side), ';'-separated as
-- analysis.masking.mask_quotes takes them. Used only by the masking step before a quote is
-- shown or exported; never displayed. Kept apart from fg_sessions so that no query that
-- shows session metadata can carry the names along by accident.
with raw as (
    select session_id, participants from raw_fg_sessions where participants is not null
),

names as (
    select distinct session_id, trim(name) as name
    from raw, unnest(string_split(participants, ';')) as split(name)
    where trim(name) <> ''
),

final as (
    select session_id, string_agg(name, ';' order by name) as participants, count(*) as n_names
    from names
    group by session_id
)

select * from final
