-- Every spelling that names an offence of the taxonomy (data/reference/offences.csv): the
-- mapping table of source labels (StatBank STRAF, police.uk crime types, template labels)
-- plus each offence's own code and names, keyed like area names (case, accents, spaces and
-- punctuation ignored). One key never names two offences (tests/pipelines/test_crime_taxonomy.py).
with labels as (
    select label, offence_code from ref_offence_labels
),

own_names as (
    select offence_code as label, offence_code from ref_offences
    union all
    select name_da, offence_code from ref_offences
    union all
    select name_en, offence_code from ref_offences
    union all
    select name_uk, offence_code from ref_offences
),

final as (
    select distinct normalise_area_name(label) as label_key, offence_code
    from (select * from labels union all select * from own_names)
    where label is not null and trim(label) <> ''
)

select * from final
