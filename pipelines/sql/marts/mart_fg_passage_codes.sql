-- One row per focus-group passage × code × coder (grain), and one row with a NULL code for a
-- passage nobody coded, so totals count it. This is the long frame of
-- analysis.qualitative.coded_segments with unit="span" (segment_id there = passage_id here):
-- code frequency, co-occurrence and Cohen's kappa are computed from it. source_sha256 is the
-- file, so agreement is only ever computed between coders of the same file.
with segments as (
    select * from stg_fg__segments
),

codes as (
    select * from stg_fg__codes
),

coded as (
    select distinct segments.session_id, segments.passage_id, codes.code, codes.coder, segments.source_sha256
    from segments
    join codes on codes.session_id = segments.session_id and codes.segment_id = segments.segment_id
),

uncoded as (
    select distinct
        segments.session_id,
        segments.passage_id,
        cast(null as varchar) as code,
        cast(null as varchar) as coder,
        segments.source_sha256
    from segments
    where not exists (
        select 1 from coded where coded.session_id = segments.session_id and coded.passage_id = segments.passage_id
    )
),

final as (
    select * from coded
    union all
    select * from uncoded
)

select * from final
