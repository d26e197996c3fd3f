-- Every file offered to the ingest, newest first.
select file_name, kind, format, rows, loaded_at, status, message, sha256
from ingest_log
order by loaded_at desc, file_name
