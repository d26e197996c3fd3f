-- Public table survey_published. One row per published figure: indicator, area, optional
-- demographic group, period (NULL dates when the source does not state it), the statistic
-- (percent 0-100, mean on the scale, or balance in points), n (NULL = not published), scale,
-- sample type and source.
with published as (
    select * from stg_survey__published
),

final as (
    select
        indicator, area_code, breakdown, breakdown_value, wave_label, period_start, period_end,
        statistic, value,
        case when statistic = 'percent' then value end as percent,
        case when statistic = 'mean' then value end as mean,
        n, scale, sample_type, source, survey_name, is_approximate, source_url, note
    from published
)

select * from final
