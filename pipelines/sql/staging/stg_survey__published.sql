-- Published survey figures with the area label resolved (unresolved: '?:' + label, listed in
-- unmapped_area_labels). The same figure loaded twice (same source, indicator, area, group and
-- period) keeps the latest load.
with raw as (
    select * from raw_survey_published
),

aliases as (
    select * from stg_area_aliases
),

resolved as (
    select
        raw.*,
        coalesce(aliases.area_code, '?:' || trim(raw.area_label)) as area_code,
        aliases.area_code is null as is_unmapped_area
    from raw
    left join aliases on aliases.alias_key = normalise_area_name(raw.area_label)
),

final as (
    select
        source, survey_name, indicator, area_code, trim(area_label) as area_label, is_unmapped_area,
        breakdown, breakdown_value, wave_label, period_start, period_end, statistic, value, n,
        scale, sample_type, is_approximate, source_url, note
    from resolved
    qualify row_number() over (
        partition by source, indicator, area_code, breakdown, breakdown_value, wave_label, statistic
        order by loaded_at desc, source_sha256 desc
    ) = 1
)

select * from final
