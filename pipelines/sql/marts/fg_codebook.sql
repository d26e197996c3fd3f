-- Public table fg_codebook: one row per code, with the tool's description, parent and own count
-- of uses (expected_count, Taguette's "number of highlights"), beside n_segments, the segments
-- carrying the code in fg_codes. A code used in segments but missing from every codebook file
-- is listed with an empty description, so the two counts can always be compared.
with codebook as (
    select * from stg_fg__codebook
),

used as (
    select code, count(*) as n_segments, count(distinct session_id) as n_sessions
    from fg_codes
    group by code
),

final as (
    select
        coalesce(codebook.code, used.code) as code,
        codebook.description,
        codebook.parent_code,
        codebook.expected_count,
        coalesce(used.n_segments, 0) as n_segments,
        coalesce(used.n_sessions, 0) as n_sessions
    from codebook
    full join used on used.code = codebook.code
)

select * from final
