-- The span of periods with data, per public fact table (drives the period presets).
select 'crime_counts' as table_name, min(period_start) as first_start, max(period_end) as last_end from crime_counts
union all select 'traffic_counts', min(period_start), max(period_end) from traffic_counts
union all select 'followups', min(period_start), max(period_end) from followups
