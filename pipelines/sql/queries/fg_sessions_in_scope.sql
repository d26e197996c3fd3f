-- Focus-group sessions of an area and every area below it that were held in the period, plus
-- the area's sessions without a date (kept; the page says so). No participant names.
with scope as (
    select descendant_code as area_code from area_tree where ancestor_code = $area_code
),

final as (
    select
        s.session_id, s.session_date, s.area_code, a.area_name, a.name_en, a.name_uk,
        s.participant_group, s.n_participants, s.n_segments, s.n_passages, s.source_file, s.source_sha256,
        s.session_date is null as is_undated
    from fg_sessions as s
    join scope on scope.area_code = s.area_code
    left join areas as a on a.area_code = s.area_code
    where s.session_date is null or s.session_date between $period_start and $period_end
)

select * from final order by session_date nulls last, session_id
