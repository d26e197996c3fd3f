-- One description per survey: the most recently loaded one (a data file's own copy or a
-- description ingested later on its own).
with raw as (
    select * from raw_survey_descriptions
),

final as (
    select survey_id, survey_name, mode, sample_type, country, weight_variable, strata_variable,
        psu_variable, source, description_sha256, loaded_at
    from raw
    qualify row_number() over (partition by survey_id order by loaded_at desc, description_sha256 desc) = 1
)

select * from final
