-- Which loaded file holds each survey wave: the most recently loaded one. A corrected file for
-- the same survey and wave supersedes the earlier load instead of duplicating respondents.
with raw as (
    select * from raw_survey_respondents
),

loads as (
    select survey_id, wave, source_sha256, max(loaded_at) as loaded_at
    from raw
    group by survey_id, wave, source_sha256
),

final as (
    select survey_id, wave, source_sha256, loaded_at
    from loads
    -- ties (two files in one ingest second) are broken by sha so the choice is deterministic
    qualify row_number() over (partition by survey_id, wave order by loaded_at desc, source_sha256 desc) = 1
)

select * from final
