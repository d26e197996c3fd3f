select data_version, built_at, is_demo from data_version
