-- The long passage × code × coder frame (mart_fg_passage_codes; NULL code = uncoded passage) of
-- the sessions in scope (see fg_sessions_in_scope), with their session fields, for code
-- frequency, co-occurrence and agreement. segment_id is the passage, as analysis.qualitative expects.
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
        p.session_id, p.passage_id as segment_id, p.code, p.coder, p.source_sha256,
        s.session_date, s.area_code, s.participant_group, s.source_file
    from mart_fg_passage_codes as p
    join sessions as s on s.session_id = p.session_id
)

select * from final order by session_id, segment_id, code nulls last, coder nulls last
