-- What each kept variable is (question or breakdown), its common indicator, scale, top box
-- and wording; per survey and item the latest description wins.
with raw as (
    select * from raw_survey_item_defs
),

final as (
    select survey_id, item, role, indicator, scale, top_box, wording_da, wording_en, wording_uk
    from raw
    qualify row_number() over (partition by survey_id, item order by loaded_at desc, source_sha256 desc) = 1
)

select * from final
