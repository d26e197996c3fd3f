-- Waves of every survey, from every description loaded; per wave the latest description wins,
-- so a wave-2 file's description does not erase wave 1.
with raw as (
    select * from raw_survey_waves
),

final as (
    select survey_id, wave, wave_label, wave_order, fieldwork_start, fieldwork_end
    from raw
    qualify row_number() over (partition by survey_id, wave order by loaded_at desc, source_sha256 desc) = 1
)

select * from final
