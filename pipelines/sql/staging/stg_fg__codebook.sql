-- The codebook: one row per code name, from the most recently loaded file that describes it
-- (Taguette codebook CSV, Taguette project, REFI-QDA project).
with raw as (
    select * from raw_fg_codebook
),

final as (
    select
        trim(code) as code,
        nullif(trim(description), '') as description,
        nullif(trim(parent_code), '') as parent_code,
        expected_count,
        source_sha256
    from raw
    where code is not null and trim(code) <> ''
    qualify row_number() over (partition by trim(code) order by loaded_at desc, source_sha256 desc) = 1
)

select * from final
