-- One row per focus-group session: its metadata merged from every file that names it (a tool
-- export names the session but has no metadata; the segments and sessions templates add date,
-- area, participant group and number of participants). For each field the most recently
-- loaded non-empty value wins, so a corrected sessions file replaces an earlier one. The area
-- label resolves to an area code through stg_area_labels; a label that resolves nowhere keeps
-- a code of its own ("?:" + label) and is listed in unmapped_area_labels. Participant names are
-- not here (see fg_session_participants).
with raw as (
    select
        *,
        -- ISO timestamp text sorts like the timestamp; the sha breaks ties deterministically
        cast(loaded_at as varchar) || source_sha256 as load_order
    from raw_fg_sessions
),

labels as (
    select * from stg_area_labels
),

merged as (
    select
        session_id,
        max_by(session_date, load_order) filter (where session_date is not null) as session_date,
        max_by(trim(area_label), load_order) filter (where nullif(trim(area_label), '') is not null) as area_label,
        max_by(trim(participant_group), load_order) filter (where nullif(trim(participant_group), '') is not null) as participant_group,
        max_by(n_participants, load_order) filter (where n_participants is not null) as n_participants,
        max_by(source_format, load_order) as latest_source_format
    from raw
    group by session_id
),

final as (
    select
        merged.session_id,
        merged.session_date,
        case
            when merged.area_label is null then null
            else labels.area_code
        end as area_code,
        merged.area_label,
        merged.area_label is not null and labels.resolved_code is null as is_unmapped_area,
        merged.participant_group,
        cast(merged.n_participants as bigint) as n_participants,
        merged.latest_source_format
    from merged
    left join labels on labels.area_label = merged.area_label
)

select * from final
