-- Public table crime_counts: one row per area × offence × period.
-- Offence labels are mapped to the taxonomy (data/reference/offences.csv); a label the
-- taxonomy does not know is kept as its own offence_code with offence_group 'unknown' (listed
-- on the crime page), never dropped. When several files give the same area, offence and
-- period, the most recently loaded file wins (a corrected export replaces the old one
-- instead of adding to it).
with staged as (
    select * from stg_crime_counts
),

offence_labels as (
    select * from stg_crime__offence_labels
),

offences as (
    select * from ref_offences
),

-- Each distinct label is normalised and looked up once, then joined back (per row, the
-- normalising regular expression was a large part of the build at national scale).
label_codes as (
    select labels.offence_label, offence_labels.offence_code as mapped_code
    from (select distinct offence_label from staged) as labels
    left join offence_labels on offence_labels.label_key = normalise_area_name(labels.offence_label)
),

mapped as (
    select
        staged.*,
        coalesce(label_codes.mapped_code, staged.offence_code, staged.offence_label) as taxonomy_code
    from staged
    left join label_codes on label_codes.offence_label = staged.offence_label
),

-- "Latest file wins" needs a ranking only where two files give the same period at all: the
-- periods each file covers are few, so the contested ones are found cheaply and only their
-- rows are ranked (a window over every row was most of the build at national scale).
file_periods as (
    select distinct source_sha256, period_type, period_start from mapped
),

contested_periods as (
    select period_type, period_start
    from file_periods
    group by period_type, period_start
    having count(*) > 1
),

contested as (
    select mapped.*
    from mapped
    semi join contested_periods
        on contested_periods.period_type = mapped.period_type
        and contested_periods.period_start = mapped.period_start
),

ranked as (
    select
        *,
        dense_rank() over (
            partition by area_code, taxonomy_code, period_type, period_start
            order by loaded_at desc, source_sha256 desc
        ) as file_rank
    from contested
    union all
    select mapped.*, 1 as file_rank
    from mapped
    anti join contested_periods
        on contested_periods.period_type = mapped.period_type
        and contested_periods.period_start = mapped.period_start
),

-- Offence names are aggregated as their rank among the distinct labels (min of an integer
-- instead of a string per cell: the same label, at a fraction of the cost at national scale).
label_ranks as (
    select offence_label, row_number() over (order by offence_label) as label_rank
    from (select distinct offence_label from ranked where file_rank = 1)
),

summed as (
    select
        ranked.area_code,
        ranked.taxonomy_code,
        ranked.period_type,
        ranked.period_start,
        ranked.period_end,
        min(label_ranks.label_rank) as label_rank,
        cast(sum(ranked.count) as bigint) as count
    from ranked
    left join label_ranks on label_ranks.offence_label = ranked.offence_label
    where ranked.file_rank = 1
    group by ranked.area_code, ranked.taxonomy_code, ranked.period_type, ranked.period_start, ranked.period_end
),

taxonomy as (
    select offence_code, min("group") as offence_group, min(level) as offence_level
    from offences
    group by offence_code
),

final as (
    select
        summed.area_code,
        summed.taxonomy_code as offence_code,
        label_ranks.offence_label as offence_name,
        coalesce(taxonomy.offence_group, 'unknown') as offence_group,
        coalesce(taxonomy.offence_level, 'detail') as offence_level,
        summed.period_type,
        summed.period_start,
        summed.period_end,
        summed.count
    from summed
    left join label_ranks on label_ranks.label_rank = summed.label_rank
    left join taxonomy on taxonomy.offence_code = summed.taxonomy_code
)

select * from final
