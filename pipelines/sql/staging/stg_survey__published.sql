-- Published survey figures with the area label resolved (unresolved: '?:' + label, listed in
-- unmapped_area_labels). The same figure loaded twice (same source, indicator, area, group and
-- period) keeps the latest load.
with raw as (
    select * from raw_survey_published
),

labels as (
    select * from stg_area_labels
),

resolved as (
    select
        raw.*,
        labels.area_code,
        labels.resolved_code is null as is_unmapped_area
    from raw
    left join labels on labels.area_label = raw.area_label
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
