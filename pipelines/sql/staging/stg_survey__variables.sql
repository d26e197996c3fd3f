-- Labels, value labels and missing codes of each kept variable as found in the latest data file.
with raw as (
    select * from raw_survey_variables
),

final as (
    select survey_id, item, source_variable, label, value_labels, missing_codes
    from raw
    qualify row_number() over (partition by survey_id, item order by loaded_at desc, source_sha256 desc) = 1
)

select * from final
