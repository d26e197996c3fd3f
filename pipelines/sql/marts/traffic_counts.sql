-- Public table traffic_counts: one row per area × measure × road user × severity × period, as
-- the sources give them (no roll-up to parent areas, no KSI: KSI = killed + seriously_injured
-- is derived in mart_traffic_area_year so it can never disagree with its parts).
--
-- Sources: aggregate figures (district template, StatBank UHELD) and STATS19 collisions,
-- counted per local authority and month: measure 'injury_accidents' = collisions,
-- 'casualties' = their number_of_casualties, both split by the collision's severity.
--
-- Provisional vs final: for each area, measure, road user and period exactly ONE file's rows
-- are kept — a final file beats a provisional one whatever the load order, and among files
-- of the same status the most recently loaded wins. Severities are kept from that one file
-- only, so a final file that has no 'unknown' row does not leave a provisional one behind.
with figures as (
    select
        area_code, measure, road_user, severity, period_type, period_start, period_end,
        count, status, source_sha256, loaded_at
    from stg_traffic__counts
),

collisions as (
    select * from stg_traffic__collisions
),

collision_counts as (
    select
        area_code, 'injury_accidents' as measure, 'all' as road_user, severity,
        'month' as period_type, period_start, period_end,
        count(*) as count, status, source_sha256, loaded_at
    from collisions
    group by all
    union all
    select
        area_code, 'casualties', 'all', severity, 'month', period_start, period_end,
        -- a collision whose casualty count the file gives as -1 or blank adds nothing
        coalesce(sum(number_of_casualties), 0), status, source_sha256, loaded_at
    from collisions
    group by all
),

unioned as (
    select * from figures
    union all
    select * from collision_counts
),

ranked as (
    select
        *,
        dense_rank() over (
            partition by area_code, measure, road_user, period_type, period_start
            order by status = 'final' desc, loaded_at desc, source_sha256 desc
        ) as file_rank
    from unioned
),

final as (
    select
        area_code,
        measure,
        road_user,
        severity,
        period_type,
        period_start,
        period_end,
        cast(sum(count) as bigint) as count,
        status,
        source_sha256
    from ranked
    where file_rank = 1
    group by area_code, measure, road_user, severity, period_type, period_start, period_end, status, source_sha256
)

select * from final
