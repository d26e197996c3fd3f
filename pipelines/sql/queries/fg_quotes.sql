-- Passages of the sessions in scope as quote candidates: ORIGINAL text with the session's
-- participant names beside it, for the masking step only. The dashboard masks the text and
-- drops both columns before anything is shown or exported.
with scope as (
    select descendant_code as area_code from area_tree where ancestor_code = $area_code
),

sessions as (
    select s.*
    from fg_sessions as s
    join scope on scope.area_code = s.area_code
    where s.session_date is null or s.session_date between $period_start and $period_end
),

final as (
    select
        p.session_id, p.passage_id, s.session_date, s.area_code, s.participant_group, p.speaker_role,
        p.codes, p.text, names.participants, p.document, p.start_pos
    from mart_fg_passages as p
    join sessions as s on s.session_id = p.session_id
    left join fg_session_participants as names on names.session_id = p.session_id
)

select * from final order by session_date nulls last, session_id, document, start_pos, passage_id
