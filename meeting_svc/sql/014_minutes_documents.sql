-- An approved version's PDFs, typeset once at approval (or, for a version approved before documents
-- were kept, at its first request) and served as stored, with their SHA-256 (the ETag). Null: not yet
-- typeset. The HTML has been kept since 011.
alter table minutes_versions
    add column pdf_vi bytea,
    add column pdf_en bytea,
    add column pdf_vi_sha256 text,
    add column pdf_en_sha256 text;
