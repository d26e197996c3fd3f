-- What the warehouse holds for one area (and its descendants) in a period: per topic, the
-- number of rows and their total, so the overview can say where to look.
with scope as (
    select descendant_code as area_code from area_tree where ancestor_code = $area_code
),

crime as (
    -- crime_counts rows of the area and its descendants, pre-summed per period in the mart
    select 'crime_counts' as table_name, cast(coalesce(sum(row_count), 0) as bigint) as row_count, sum(total) as total
    from mart_crime_scope_period
    where area_code = $area_code
      and period_start >= $period_start and period_end <= $period_end
),

traffic as (
    -- injury accidents of the years that end inside the period, for the area itself (its own
    -- figures or rolled up from its descendants once, never from two levels at once)
    select 'traffic_counts', count(*), sum(injury_accidents)
    from mart_traffic_area_year
    where area_code = $area_code and road_user = 'all'
      and make_date(cast(year as integer), 12, 31) between $period_start and $period_end
),

follow as (
    -- the area's own roll-up: a national figure is not added to its districts' figures, and a
    -- figure whose period the source does not state cannot be placed in a dated period
    select 'followups', count(*), sum(count)
    from mart_followups_area_period
    where area_code = $area_code
      and period_start >= $period_start and period_end <= $period_end
),

survey as (
    select 'survey_respondents', count(*), count(*)
    from survey_respondents
    where area_code in (select area_code from scope)
),

focus as (
    select 'fg_segments', count(*), count(*)
    from fg_segments
    where area_code in (select area_code from scope)
)

select * from crime
union all select * from traffic
union all select * from follow
union all select * from survey
union all select * from focus
