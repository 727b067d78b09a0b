-- The schema of stg, etl, core, mart and rpt as `marketcrawl db schema`
-- prints it.  sql/schema.sql is generated (make schema); do not edit it.

create schema stg;

create table stg.listing_state (
    marketplace text not null,
    external_id text not null,
    observed_at timestamp with time zone not null,
    obs_id bigint not null,
    digest uuid not null,
    region text not null default ''::text
);

alter table stg.listing_state add constraint listing_state_pkey PRIMARY KEY (marketplace, region, external_id);

comment on column stg.listing_state.digest is 'stg.state_digest() of the observation obs_id: what a new line is compared with';

create table stg.loaded_file (
    file_id bigint not null default nextval('stg.loaded_file_file_id_seq'::regclass),
    content_sha256 text not null,
    path text not null,
    spider text not null,
    run_id text not null,
    run_status text not null,
    run_started_at timestamp with time zone not null,
    run_finished_at timestamp with time zone not null,
    run_record jsonb not null,
    rows_read integer not null default 0,
    rows_accepted integer not null default 0,
    rows_unchanged integer not null default 0,
    rows_rejected integer not null default 0,
    loaded_at timestamp with time zone not null default now(),
    run_scope text not null default 'full'::text,
    rows_valid integer,
    filled_list_price integer,
    filled_availability integer,
    filled_product_key integer,
    first_observed_at timestamp with time zone,
    last_observed_at timestamp with time zone,
    run_region text not null default ''::text
);

alter table stg.loaded_file add constraint loaded_file_content_sha256_check CHECK (content_sha256 ~ '^[0-9a-f]{64}$'::text);

alter table stg.loaded_file add constraint loaded_file_content_sha256_key UNIQUE (content_sha256);

alter table stg.loaded_file add constraint loaded_file_filled_availability_check CHECK (filled_availability >= 0);

alter table stg.loaded_file add constraint loaded_file_filled_list_price_check CHECK (filled_list_price >= 0);

alter table stg.loaded_file add constraint loaded_file_filled_product_key_check CHECK (filled_product_key >= 0);

alter table stg.loaded_file add constraint loaded_file_pkey PRIMARY KEY (file_id);

alter table stg.loaded_file add constraint loaded_file_rows_valid_check CHECK (rows_valid >= 0);

alter table stg.loaded_file add constraint loaded_file_run_region_check CHECK (run_region ~ '^[a-z0-9_-]{0,20}$'::text);

alter table stg.loaded_file add constraint loaded_file_run_scope_check CHECK (run_scope = ANY (ARRAY['full'::text, 'partial'::text]));

alter table stg.loaded_file add constraint loaded_file_run_status_check CHECK (run_status = ANY (ARRAY['complete'::text, 'partial'::text, 'aborted'::text, 'suspect'::text]));

comment on column stg.loaded_file.first_observed_at is 'earliest observed_at of a valid line';

comment on column stg.loaded_file.last_observed_at is 'latest observed_at of a valid line';

comment on column stg.loaded_file.rows_valid is 'valid observation lines (duplicates of a listing included)';

create table stg.observation (
    obs_id bigint not null default nextval('stg.observation_obs_id_seq'::regclass),
    file_id bigint not null,
    line_no integer not null,
    marketplace text not null,
    external_id text not null,
    url text not null,
    title text not null,
    price numeric(18,6) not null,
    list_price numeric(18,6),
    currency character(3) not null,
    availability text not null,
    observed_at timestamp with time zone not null,
    product_key text,
    attrs jsonb not null default '{}'::jsonb,
    is_late boolean not null default false,
    region text not null default ''::text
);

alter table stg.observation add constraint observation_availability_check CHECK (availability = ANY (ARRAY['in_stock'::text, 'out_of_stock'::text, 'preorder'::text, 'unknown'::text]));

alter table stg.observation add constraint observation_key UNIQUE (marketplace, region, external_id, observed_at);

alter table stg.observation add constraint observation_list_price_check CHECK (list_price >= 0::numeric);

alter table stg.observation add constraint observation_pkey PRIMARY KEY (obs_id);

alter table stg.observation add constraint observation_price_check CHECK (price >= 0::numeric);

alter table stg.observation add constraint observation_region_check CHECK (region ~ '^[a-z0-9_-]{0,20}$'::text);

CREATE INDEX observation_file_idx ON stg.observation USING brin (file_id);

create table stg.rejected_line (
    reject_id bigint not null default nextval('stg.rejected_line_reject_id_seq'::regclass),
    file_id bigint not null,
    path text not null,
    line_no integer not null,
    reason text not null,
    raw_line text not null
);

alter table stg.rejected_line add constraint rejected_line_file_id_fkey FOREIGN KEY (file_id) REFERENCES stg.loaded_file(file_id);

alter table stg.rejected_line add constraint rejected_line_file_id_line_no_key UNIQUE (file_id, line_no);

alter table stg.rejected_line add constraint rejected_line_pkey PRIMARY KEY (reject_id);

create table stg.seen_listing_set (
    file_id bigint not null,
    marketplace text not null,
    external_ids text[] not null,
    observed_ats timestamp with time zone[],
    region text not null default ''::text
);

CREATE INDEX seen_listing_set_file_idx ON stg.seen_listing_set USING brin (file_id);

comment on column stg.seen_listing_set.observed_ats is 'observed_at of each external_ids element; null for files loaded before 010 (seen at the run start)';

create view stg.seen_listing as
 SELECT s.file_id,
    s.marketplace,
    s.region,
    e.external_id,
    COALESCE(e.observed_at, f.run_started_at) AS observed_at
   FROM stg.seen_listing_set s
     JOIN stg.loaded_file f ON f.file_id = s.file_id
     CROSS JOIN LATERAL UNNEST(s.external_ids, s.observed_ats) e(external_id, observed_at);

CREATE OR REPLACE FUNCTION stg.state_digest(price numeric, list_price numeric, currency text, availability text, title text, url text, product_key text)
 RETURNS uuid
 LANGUAGE sql
 IMMUTABLE PARALLEL SAFE
RETURN (encode(substr(sha256(convert_to(((((((((((((((((price)::numeric(18,6))::text || '|'::text) || COALESCE(((list_price)::numeric(18,6))::text, ''::text)) || '|'::text) || currency) || '|'::text) || availability) || '|'::text) || octet_length(convert_to(url, 'UTF8'::name))) || ':'::text) || url) || '|'::text) || COALESCE(((octet_length(convert_to(product_key, 'UTF8'::name)) || ':'::text) || product_key), '-'::text)) || '|'::text) || title), 'UTF8'::name)), 1, 16), 'hex'::text))::uuid
;

create schema etl;

create table etl.definition_file (
    path text not null,
    checksum text not null,
    applied_at timestamp with time zone not null default now()
);

alter table etl.definition_file add constraint definition_file_checksum_check CHECK (checksum ~ '^[0-9a-f]{64}$'::text);

alter table etl.definition_file add constraint definition_file_path_check CHECK (path ~ '^[a-z]+/[a-z0-9_]+\.sql$'::text);

alter table etl.definition_file add constraint definition_file_pkey PRIMARY KEY (path);

create table etl.job_run (
    run_id bigint not null,
    job_seq integer not null,
    job text not null,
    started_at timestamp with time zone not null,
    finished_at timestamp with time zone not null,
    duration_ms numeric(12,3) not null,
    rows_affected bigint not null,
    status text not null,
    error_text text
);

alter table etl.job_run add constraint job_run_check CHECK (finished_at >= started_at);

alter table etl.job_run add constraint job_run_check1 CHECK ((status = 'failed'::text) = (error_text IS NOT NULL));

alter table etl.job_run add constraint job_run_duration_ms_check CHECK (duration_ms >= 0::numeric);

alter table etl.job_run add constraint job_run_job_seq_check CHECK (job_seq > 0);

alter table etl.job_run add constraint job_run_pkey PRIMARY KEY (run_id, job_seq);

alter table etl.job_run add constraint job_run_rows_affected_check CHECK (rows_affected >= 0);

alter table etl.job_run add constraint job_run_run_id_fkey FOREIGN KEY (run_id) REFERENCES etl.run(run_id) ON DELETE CASCADE;

alter table etl.job_run add constraint job_run_status_check CHECK (status = ANY (ARRAY['ok'::text, 'failed'::text]));

create table etl.listing_disorder (
    listing_id bigint not null
);

alter table etl.listing_disorder add constraint listing_disorder_listing_id_fkey FOREIGN KEY (listing_id) REFERENCES core.listing(listing_id);

alter table etl.listing_disorder add constraint listing_disorder_pkey PRIMARY KEY (listing_id);

create table etl.processed_file (
    file_id bigint not null,
    run_id bigint not null,
    processed_at timestamp with time zone not null default now()
);

alter table etl.processed_file add constraint processed_file_file_id_fkey FOREIGN KEY (file_id) REFERENCES stg.loaded_file(file_id);

alter table etl.processed_file add constraint processed_file_pkey PRIMARY KEY (file_id);

alter table etl.processed_file add constraint processed_file_run_id_fkey FOREIGN KEY (run_id) REFERENCES etl.run(run_id);

CREATE INDEX processed_file_run_idx ON etl.processed_file USING btree (run_id);

create table etl.run (
    run_id bigint generated always as identity not null,
    started_at timestamp with time zone not null default clock_timestamp(),
    finished_at timestamp with time zone,
    status text not null,
    files_processed integer not null default 0,
    error_text text,
    backend_pid integer not null default pg_backend_pid()
);

alter table etl.run add constraint run_check CHECK ((status = 'running'::text) = (finished_at IS NULL));

alter table etl.run add constraint run_check1 CHECK (finished_at >= started_at);

alter table etl.run add constraint run_check2 CHECK ((status <> ALL (ARRAY['failed'::text, 'abandoned'::text])) OR error_text IS NOT NULL);

alter table etl.run add constraint run_files_processed_check CHECK (files_processed >= 0);

alter table etl.run add constraint run_pkey PRIMARY KEY (run_id);

alter table etl.run add constraint run_status_check CHECK (status = ANY (ARRAY['running'::text, 'ok'::text, 'failed'::text, 'abandoned'::text, 'locked'::text]));

CREATE INDEX run_status_idx ON etl.run USING btree (status) WHERE (status = 'running'::text);

create table etl.schema_version (
    version integer not null,
    name text not null,
    checksum text not null,
    applied_at timestamp with time zone not null default now()
);

alter table etl.schema_version add constraint schema_version_pkey PRIMARY KEY (version);

create view etl.check_010_listing_key_unique as
 SELECT listing.marketplace,
    listing.region,
    listing.external_id,
    count(*) AS listings
   FROM core.listing
  GROUP BY listing.marketplace, listing.region, listing.external_id
 HAVING count(*) > 1;

create view etl.check_011_product_key_unique as
 SELECT product.product_key,
    count(*) AS products
   FROM core.product
  WHERE product.product_key IS NOT NULL
  GROUP BY product.product_key
 HAVING count(*) > 1;

create view etl.check_012_one_current_range as
 SELECT 'price'::text AS history,
    price_history.listing_id,
    count(*) AS current_ranges
   FROM core.price_history
  WHERE price_history.valid_to IS NULL
  GROUP BY price_history.listing_id
 HAVING count(*) > 1
UNION ALL
 SELECT 'availability'::text AS history,
    availability_history.listing_id,
    count(*) AS current_ranges
   FROM core.availability_history
  WHERE availability_history.valid_to IS NULL
  GROUP BY availability_history.listing_id
 HAVING count(*) > 1;

create view etl.check_020_required_values as
 SELECT 'listing'::text AS tbl,
    listing.listing_id::text AS id
   FROM core.listing
  WHERE listing.url IS NULL OR listing.title IS NULL OR listing.title = ''::text OR listing.first_seen IS NULL OR listing.product_id IS NULL OR listing.spider IS NULL
UNION ALL
 SELECT 'price_history'::text AS tbl,
    (price_history.listing_id::text || '@'::text) || price_history.valid_from::text AS id
   FROM core.price_history
  WHERE price_history.price IS NULL OR price_history.currency IS NULL
UNION ALL
 SELECT 'crawl_run'::text AS tbl,
    crawl_run.crawl_run_id::text AS id
   FROM core.crawl_run
  WHERE crawl_run.started_at IS NULL OR crawl_run.finished_at IS NULL OR crawl_run.status IS NULL OR crawl_run.health IS NULL;

create view etl.check_030_observed_listings_exist as
 SELECT o.obs_id,
    o.marketplace,
    o.region,
    o.external_id
   FROM stg.observation o
     JOIN etl.processed_file f ON f.file_id = o.file_id
  WHERE NOT (EXISTS ( SELECT 1
           FROM core.listing l
          WHERE l.marketplace = o.marketplace AND l.region = o.region AND l.external_id = o.external_id));

create view etl.check_031_processed_files_have_runs as
 SELECT f.file_id
   FROM etl.processed_file f
  WHERE NOT (EXISTS ( SELECT 1
           FROM core.crawl_run r
          WHERE r.crawl_run_id = f.file_id));

create view etl.check_032_products_have_listings as
 SELECT p.product_id,
    p.product_key
   FROM core.product p
  WHERE NOT (EXISTS ( SELECT 1
           FROM core.listing l
          WHERE l.product_id = p.product_id));

create view etl.check_033_listings_have_history as
 SELECT l.listing_id,
    l.marketplace,
    l.external_id
   FROM core.listing l
  WHERE NOT (EXISTS ( SELECT 1
           FROM core.price_history h
          WHERE h.listing_id = l.listing_id)) OR NOT (EXISTS ( SELECT 1
           FROM core.availability_history h
          WHERE h.listing_id = l.listing_id));

create view etl.check_040_accepted_values as
 SELECT 'availability'::text AS rule,
    availability_history.availability AS value
   FROM core.availability_history
  WHERE availability_history.availability <> ALL (ARRAY['in_stock'::text, 'out_of_stock'::text, 'preorder'::text, 'unknown'::text])
UNION ALL
 SELECT 'crawl_run.status'::text AS rule,
    crawl_run.status AS value
   FROM core.crawl_run
  WHERE crawl_run.status <> ALL (ARRAY['complete'::text, 'partial'::text, 'aborted'::text, 'suspect'::text])
UNION ALL
 SELECT 'crawl_run.health'::text AS rule,
    crawl_run.health AS value
   FROM core.crawl_run
  WHERE (crawl_run.health <> ALL (ARRAY['complete'::text, 'partial'::text, 'aborted'::text, 'suspect'::text])) OR crawl_run.delists <> (crawl_run.health = 'complete'::text AND crawl_run.scope = 'full'::text)
UNION ALL
 SELECT 'currency'::text AS rule,
    currency.currency AS value
   FROM core.currency
  WHERE currency.currency !~ '^[A-Z]{3}$'::text
UNION ALL
 SELECT 'price'::text AS rule,
    price_history.price::text AS value
   FROM core.price_history
  WHERE price_history.price < 0::numeric OR price_history.list_price < 0::numeric;

create view etl.check_050_price_ranges_do_not_overlap as
 SELECT x.listing_id,
    x.valid_from,
    x.valid_to,
    x.next_from
   FROM ( SELECT price_history.listing_id,
            price_history.valid_from,
            price_history.valid_to,
            lead(price_history.valid_from) OVER (PARTITION BY price_history.listing_id ORDER BY price_history.valid_from) AS next_from
           FROM core.price_history) x
  WHERE x.valid_to <= x.valid_from OR x.next_from IS NOT NULL AND (x.valid_to IS NULL OR x.valid_to > x.next_from);

create view etl.check_051_availability_ranges_do_not_overlap as
 SELECT x.listing_id,
    x.valid_from,
    x.valid_to,
    x.next_from
   FROM ( SELECT availability_history.listing_id,
            availability_history.valid_from,
            availability_history.valid_to,
            lead(availability_history.valid_from) OVER (PARTITION BY availability_history.listing_id ORDER BY availability_history.valid_from) AS next_from
           FROM core.availability_history) x
  WHERE x.valid_to <= x.valid_from OR x.next_from IS NOT NULL AND (x.valid_to IS NULL OR x.valid_to > x.next_from);

create view etl.check_052_histories_cover_same_periods as
 WITH p AS (
         SELECT price_history.listing_id,
            range_agg(tstzrange(price_history.valid_from, price_history.valid_to)) AS periods
           FROM core.price_history
          GROUP BY price_history.listing_id
        ), a AS (
         SELECT availability_history.listing_id,
            range_agg(tstzrange(availability_history.valid_from, availability_history.valid_to)) AS periods
           FROM core.availability_history
          GROUP BY availability_history.listing_id
        )
 SELECT COALESCE(p.listing_id, a.listing_id) AS listing_id,
    p.periods AS price_periods,
    a.periods AS availability_periods
   FROM p
     FULL JOIN a ON a.listing_id = p.listing_id
  WHERE p.periods IS DISTINCT FROM a.periods;

create view etl.check_053_delisting_matches_history as
 SELECT l.listing_id,
    l.delisted_at,
    h.valid_from,
    h.valid_to
   FROM core.listing l
     JOIN LATERAL ( SELECT h_1.valid_from,
            h_1.valid_to
           FROM core.price_history h_1
          WHERE h_1.listing_id = l.listing_id
          ORDER BY h_1.valid_from DESC
         LIMIT 1) h ON true
  WHERE l.delisted_at IS NULL AND h.valid_to IS NOT NULL OR l.delisted_at IS NOT NULL AND h.valid_to IS DISTINCT FROM l.delisted_at;

create view etl.check_054_seen_within_history as
 SELECT l.listing_id,
    l.first_seen,
    h.first_from,
    s.first_seen AS first_by_spider
   FROM core.listing l
     JOIN ( SELECT price_history.listing_id,
            min(price_history.valid_from) AS first_from
           FROM core.price_history
          GROUP BY price_history.listing_id) h ON h.listing_id = l.listing_id
     LEFT JOIN ( SELECT listing_seen.listing_id,
            min(listing_seen.first_seen) AS first_seen
           FROM core.listing_seen
          GROUP BY listing_seen.listing_id) s ON s.listing_id = l.listing_id
  WHERE l.first_seen > h.first_from OR s.first_seen IS DISTINCT FROM l.first_seen;

create view etl.check_055_seen_order as
 SELECT l.listing_id,
    l.first_seen,
    s.last_seen,
    l.delisted_at
   FROM core.listing l
     LEFT JOIN core.listing_last_seen s ON s.listing_id = l.listing_id
  WHERE s.last_seen IS NULL OR s.last_seen < l.first_seen OR l.delisted_at <= s.last_seen;

create view etl.check_056_last_seen_matches_staging as
 WITH sighting AS (
         SELECT o.marketplace,
            o.region,
            o.external_id,
            f.spider,
            f.run_started_at
           FROM stg.observation o
             JOIN stg.loaded_file f ON f.file_id = o.file_id
             JOIN etl.processed_file p ON p.file_id = o.file_id
        UNION ALL
         SELECT s.marketplace,
            s.region,
            s.external_id,
            f.spider,
            f.run_started_at
           FROM stg.seen_listing s
             JOIN stg.loaded_file f ON f.file_id = s.file_id
             JOIN etl.processed_file p ON p.file_id = s.file_id
        ), expect AS (
         SELECT sighting.marketplace,
            sighting.region,
            sighting.external_id,
            sighting.spider,
            min(sighting.run_started_at) AS first_seen,
            max(sighting.run_started_at) AS last_seen
           FROM sighting
          GROUP BY sighting.marketplace, sighting.region, sighting.external_id, sighting.spider
        ), have AS (
         SELECT l.marketplace,
            l.region,
            l.external_id,
            s.spider,
            s.first_seen,
            COALESCE(s.seen_at, sp.seen_until) AS last_seen
           FROM core.listing_seen s
             JOIN core.listing l ON l.listing_id = s.listing_id
             JOIN core.spider sp ON sp.spider = s.spider
        )
 SELECT COALESCE(e.marketplace, h.marketplace) AS marketplace,
    COALESCE(e.region, h.region) AS region,
    COALESCE(e.external_id, h.external_id) AS external_id,
    COALESCE(e.spider, h.spider) AS spider,
    e.first_seen AS expected_first,
    h.first_seen AS stored_first,
    e.last_seen AS expected_last,
    h.last_seen AS stored_last
   FROM expect e
     FULL JOIN have h ON h.marketplace = e.marketplace AND h.region = e.region AND h.external_id = e.external_id AND h.spider = e.spider
  WHERE e.first_seen IS DISTINCT FROM h.first_seen OR e.last_seen IS DISTINCT FROM h.last_seen;

create view etl.check_060_observations_in_price_history as
 SELECT o.obs_id,
    o.marketplace,
    o.region,
    o.external_id,
    o.observed_at,
    o.price,
    o.currency
   FROM stg.observation o
     JOIN etl.processed_file f ON f.file_id = o.file_id
     JOIN core.listing l ON l.marketplace = o.marketplace AND l.region = o.region AND l.external_id = o.external_id
  WHERE NOT (EXISTS ( SELECT 1
           FROM core.price_history h
          WHERE h.listing_id = l.listing_id AND h.valid_from <= o.observed_at AND (h.valid_to IS NULL OR h.valid_to > o.observed_at) AND h.price = o.price AND NOT h.list_price IS DISTINCT FROM o.list_price AND h.currency = o.currency));

create view etl.check_061_observations_in_availability_history as
 SELECT o.obs_id,
    o.marketplace,
    o.region,
    o.external_id,
    o.observed_at,
    o.availability
   FROM stg.observation o
     JOIN etl.processed_file f ON f.file_id = o.file_id
     JOIN core.listing l ON l.marketplace = o.marketplace AND l.region = o.region AND l.external_id = o.external_id
  WHERE NOT (EXISTS ( SELECT 1
           FROM core.availability_history h
          WHERE h.listing_id = l.listing_id AND h.valid_from <= o.observed_at AND (h.valid_to IS NULL OR h.valid_to > o.observed_at) AND h.availability = o.availability));

create view etl.check_062_sightings_are_listed as
 WITH gap AS (
         SELECT x.listing_id,
            tstzrange(x.prev_to, x.valid_from) AS unlisted
           FROM ( SELECT price_history.listing_id,
                    price_history.valid_from,
                    lag(price_history.valid_to) OVER w AS prev_to,
                    row_number() OVER w AS n
                   FROM core.price_history
                  WINDOW w AS (PARTITION BY price_history.listing_id ORDER BY price_history.valid_from)) x
          WHERE x.n = 1 OR x.prev_to < x.valid_from
        UNION ALL
         SELECT last.listing_id,
            tstzrange(last.valid_to, NULL::timestamp with time zone) AS tstzrange
           FROM ( SELECT DISTINCT ON (price_history.listing_id) price_history.listing_id,
                    price_history.valid_to
                   FROM core.price_history
                  ORDER BY price_history.listing_id, price_history.valid_from DESC) last
          WHERE last.valid_to IS NOT NULL
        )
 SELECT s.file_id,
    s.marketplace,
    s.region,
    s.external_id,
    s.observed_at
   FROM stg.seen_listing s
     JOIN etl.processed_file f ON f.file_id = s.file_id
     JOIN core.listing l ON l.marketplace = s.marketplace AND l.region = s.region AND l.external_id = s.external_id
     JOIN gap g ON g.listing_id = l.listing_id AND g.unlisted @> s.observed_at;

create view etl.check_063_listing_is_newest_sighting as
 WITH sighting AS (
         SELECT o_1.marketplace,
            o_1.region,
            o_1.external_id,
            o_1.file_id,
            o_1.observed_at,
            o_1.obs_id
           FROM stg.observation o_1
             JOIN etl.processed_file p ON p.file_id = o_1.file_id
        UNION ALL
         SELECT s.marketplace,
            s.region,
            s.external_id,
            s.file_id,
            s.observed_at,
            NULL::bigint
           FROM stg.seen_listing s
             JOIN etl.processed_file p ON p.file_id = s.file_id
        ), newest AS (
         SELECT DISTINCT ON (sighting.marketplace, sighting.region, sighting.external_id) sighting.marketplace,
            sighting.region,
            sighting.external_id,
            sighting.file_id,
            sighting.observed_at,
            sighting.obs_id
           FROM sighting
          ORDER BY sighting.marketplace, sighting.region, sighting.external_id, sighting.observed_at DESC, sighting.file_id DESC
        )
 SELECT l.listing_id,
    l.marketplace,
    l.region,
    l.external_id,
    l.title,
    o.title AS newest_title
   FROM core.listing l
     JOIN newest n ON n.marketplace = l.marketplace AND n.region = l.region AND n.external_id = l.external_id
     CROSS JOIN LATERAL ( SELECT x.url,
            x.title
           FROM stg.observation x
          WHERE x.marketplace = n.marketplace AND x.region = n.region AND x.external_id = n.external_id AND
                CASE
                    WHEN n.obs_id IS NOT NULL THEN x.obs_id = n.obs_id
                    ELSE x.observed_at <= n.observed_at AND x.file_id < n.file_id
                END
          ORDER BY x.observed_at DESC
         LIMIT 1) o
  WHERE l.url <> o.url OR l.title <> o.title;

create view etl.check_064_run_health_has_a_reason as
 SELECT crawl_run.crawl_run_id,
    crawl_run.spider,
    crawl_run.run_id,
    crawl_run.status,
    crawl_run.health,
    crawl_run.health_reason
   FROM core.crawl_run
  WHERE (crawl_run.health = 'complete'::text) <> (crawl_run.health_reason IS NULL) OR crawl_run.status <> 'complete'::text AND crawl_run.health <> crawl_run.status;

create view etl.check_070_daily_moves_match_changes as
 WITH expect AS (
         SELECT (price_change.changed_at AT TIME ZONE 'UTC'::text)::date AS day,
            price_change.marketplace,
            count(*)::integer AS changes,
            count(*) FILTER (WHERE price_change.delta < 0::numeric)::integer AS drops,
            count(*) FILTER (WHERE price_change.delta > 0::numeric)::integer AS increases,
            min(price_change.delta_pct) FILTER (WHERE price_change.delta < 0::numeric) AS largest_drop_pct,
            max(price_change.delta_pct) FILTER (WHERE price_change.delta > 0::numeric) AS largest_increase_pct,
            round(avg(price_change.delta_pct), 2) AS avg_change_pct
           FROM rpt.price_change
          GROUP BY ((price_change.changed_at AT TIME ZONE 'UTC'::text)::date), price_change.marketplace
        ), have AS (
         SELECT daily_price_move.day,
            daily_price_move.marketplace,
            daily_price_move.changes,
            daily_price_move.drops,
            daily_price_move.increases,
            daily_price_move.largest_drop_pct,
            daily_price_move.largest_increase_pct,
            daily_price_move.avg_change_pct
           FROM mart.daily_price_move
        )
 SELECT COALESCE(e.day, h.day) AS day,
    COALESCE(e.marketplace, h.marketplace) AS marketplace,
    e.changes AS expected_changes,
    h.changes AS stored_changes
   FROM expect e
     FULL JOIN have h ON h.day = e.day AND h.marketplace = e.marketplace
  WHERE e.day IS DISTINCT FROM h.day OR e.marketplace IS DISTINCT FROM h.marketplace OR e.changes IS DISTINCT FROM h.changes OR e.drops IS DISTINCT FROM h.drops OR e.increases IS DISTINCT FROM h.increases OR e.largest_drop_pct IS DISTINCT FROM h.largest_drop_pct OR e.largest_increase_pct IS DISTINCT FROM h.largest_increase_pct OR e.avg_change_pct IS DISTINCT FROM h.avg_change_pct;

CREATE OR REPLACE FUNCTION etl.alert_data_test(test text, failing bigint)
 RETURNS integer
 LANGUAGE plpgsql
AS $function$
declare
    etl_run bigint := (select max(run_id) from etl.run where status = 'ok');
    sample text;
    n integer;
begin
    execute format('select row_to_json(t)::text from etl.%I t limit 1', 'check_' || test)
        into sample;
    insert into core.alert (kind, event_at, subject, message, details)
    values ('data_test', now(), format('%s after etl run %s', test, coalesce(etl_run, 0)),
            format('data test %s failed: %s rows (after etl run %s)', test, failing,
                   coalesce(etl_run::text, 'none')),
            jsonb_build_object('test', test, 'rows', failing, 'etl_run', etl_run,
                               'sample', sample))
    on conflict (kind, subject) where watch_id is null do nothing;
    get diagnostics n = row_count;
    return n;
end
$function$
;

CREATE OR REPLACE FUNCTION etl.alert_payload(a core.alert)
 RETURNS jsonb
 LANGUAGE sql
 STABLE PARALLEL SAFE
RETURN ((a).details || jsonb_build_object('alert_id', (a).alert_id, 'kind', (a).kind, 'event_at', etl.utc_text((a).event_at), 'fired_at', etl.utc_text((a).fired_at), 'subject', (a).subject, 'message', (a).message, 'text', (a).message, 'content', "left"((a).message, 2000)))
;

CREATE OR REPLACE FUNCTION etl.alert_run_health()
 RETURNS bigint
 LANGUAGE plpgsql
 SET "IntervalStyle" TO 'postgres'
AS $function$
declare
    since timestamptz := coalesce((select applied_at from etl.schema_version where version = 13),
                                  '-infinity');
    n bigint;
    total bigint := 0;
begin
    -- A run the ETL judged anything but complete: failed (aborted), partial,
    -- suspect; a suspect run whose reason is a field's collapsed coverage
    -- is a 'coverage' notification.  Once per run and verdict.
    insert into core.alert (kind, event_at, subject, message, details)
    select case when r.health = 'suspect'
                     and r.health_reason ~ '^(title|price|list_price|availability|product_key) filled for '
                then 'coverage' else 'run' end,
           r.finished_at,
           format('run %s %s', r.crawl_run_id, r.health),
           format('spider %s%s: run %s is %s: %s', r.spider, coalesce(nullif('/' || r.region, '/'), ''),
                  r.run_id, r.health, r.health_reason),
           jsonb_build_object('spider', r.spider, 'region', r.region, 'run_id', r.run_id,
                              'status', r.status, 'health', r.health, 'reason', r.health_reason,
                              'started_at', etl.utc_text(r.started_at),
                              'finished_at', etl.utc_text(r.finished_at),
                              'items', r.observations, 'errors', r.errors)
    from core.crawl_run r
    where r.health <> 'complete' and r.loaded_at >= since
    order by r.finished_at, r.crawl_run_id
    on conflict (kind, subject) where watch_id is null do nothing;
    get diagnostics n = row_count;
    total := total + n;

    -- A loaded file with rejected lines: once per file.
    insert into core.alert (kind, event_at, subject, message, details)
    select 'rejects', f.loaded_at, format('file %s', f.file_id),
           format('load of %s (spider %s, run %s): %s of %s lines rejected (%s)', f.path, f.spider,
                  f.run_id, f.rows_rejected, f.rows_read,
                  coalesce(rj.reasons, 'no reasons recorded')),
           jsonb_build_object('path', f.path, 'spider', f.spider, 'run_id', f.run_id,
                              'rows_read', f.rows_read, 'rows_rejected', f.rows_rejected,
                              'loaded_at', etl.utc_text(f.loaded_at),
                              'reasons', coalesce(rj.by_reason, '{}'))
    from stg.loaded_file f
    left join lateral (
        select string_agg(format('%s %s', x.n, x.reason), ', ' order by x.n desc, x.reason) as reasons,
               jsonb_object_agg(x.reason, x.n) as by_reason
        from (select j.reason, count(*) as n from stg.rejected_line j
              where j.file_id = f.file_id group by j.reason) x
    ) rj on true
    where f.rows_rejected > 0 and f.loaded_at >= since
    order by f.loaded_at, f.file_id
    on conflict (kind, subject) where watch_id is null do nothing;
    get diagnostics n = row_count;
    total := total + n;

    -- A spider without a complete run within its interval
    -- (core.spider_schedule, else 2 days): once per last complete run.
    insert into core.alert (kind, event_at, subject, message, details)
    select 'stale', s.last_at + s.stale_after,
           format('spider %s since %s', s.spider, etl.utc_text(s.last_at)),
           format('spider %s: no complete run since %s (expected every %s)', s.spider,
                  etl.utc_text(s.last_at), s.stale_after),
           jsonb_build_object('spider', s.spider, 'last_complete_at', etl.utc_text(s.last_at),
                              'stale_after', s.stale_after::text)
    from (select sp.spider,
                 coalesce(sc.stale_after, interval '2 days') as stale_after,
                 coalesce((select max(r.finished_at) from core.crawl_run r
                           where r.spider = sp.spider and r.status = 'complete'),
                          (select min(r.started_at) from core.crawl_run r
                           where r.spider = sp.spider)) as last_at
          from core.spider sp
          left join core.spider_schedule sc on sc.spider = sp.spider) s
    where s.last_at + s.stale_after < now()
    order by s.spider
    on conflict (kind, subject) where watch_id is null do nothing;
    get diagnostics n = row_count;
    return total + n;
end
$function$
;

CREATE OR REPLACE FUNCTION etl.attr_values(attrs jsonb, key text)
 RETURNS SETOF text
 LANGUAGE sql
 IMMUTABLE PARALLEL SAFE
AS $function$
    select distinct lower(btrim(v))
    from (
        select jsonb_array_elements_text(attrs -> key) as v
        where jsonb_typeof(attrs -> key) = 'array'
        union all
        select attrs ->> key
        where jsonb_typeof(attrs -> key) = 'string'
    ) x
    where btrim(v) <> '' and length(btrim(v)) <= 100
$function$
;

CREATE OR REPLACE FUNCTION etl.coverage_collapse(runs bigint, pct numeric[], median numeric[])
 RETURNS text
 LANGUAGE sql
 IMMUTABLE PARALLEL SAFE
AS $function$
    select format('%s filled for %s%% of the items, below half the median %s%% of %s',
                  (array['title', 'price', 'list_price', 'availability', 'product_key'])[i],
                  pct[i], trim_scale(median[i]), etl.previous_runs(runs))
    from generate_subscripts(pct, 1) as i
    where median[i] >= 50 and pct[i] < median[i] / 2
    order by i
    limit 1
$function$
;

CREATE OR REPLACE FUNCTION etl.fill_pct(filled integer, produced integer)
 RETURNS numeric
 LANGUAGE sql
 IMMUTABLE PARALLEL SAFE
RETURN CASE WHEN (produced > 0) THEN round(((100.0 * (filled)::numeric) / (produced)::numeric), 1) ELSE (0)::numeric END
;

CREATE OR REPLACE FUNCTION etl.listing_attrs(attrs jsonb)
 RETURNS jsonb
 LANGUAGE sql
 IMMUTABLE PARALLEL SAFE
AS $function$
    select attrs
        - (case when jsonb_typeof(attrs -> 'platforms') in ('array', 'string')
                then 'platforms' else '' end)
        - (case when jsonb_typeof(attrs -> 'genres') in ('array', 'string')
                then 'genres' else '' end)
$function$
;

CREATE OR REPLACE FUNCTION etl.median(v numeric[])
 RETURNS numeric
 LANGUAGE sql
 IMMUTABLE PARALLEL SAFE
AS $function$
    select case when n = 0 then null
                when n % 2 = 1 then s[(n + 1) / 2]
                else (s[n / 2] + s[n / 2 + 1]) / 2 end
    from (select array_agg(x order by x) as s, count(x)::integer as n
          from unnest(v) as x) q
$function$
;

CREATE OR REPLACE FUNCTION etl.money(amount numeric, minor_units smallint)
 RETURNS numeric
 LANGUAGE sql
 IMMUTABLE PARALLEL SAFE
AS $function$ select round(amount, greatest(scale(trim_scale(amount)), coalesce(minor_units, 0))) $function$
;

CREATE OR REPLACE FUNCTION etl.previous_runs(runs bigint)
 RETURNS text
 LANGUAGE sql
 IMMUTABLE PARALLEL SAFE
RETURN CASE WHEN (runs = 1) THEN 'the previous complete run'::text ELSE format('the %s previous complete runs'::text, runs) END
;

CREATE OR REPLACE FUNCTION etl.utc_text(t timestamp with time zone)
 RETURNS text
 LANGUAGE sql
 IMMUTABLE PARALLEL SAFE
RETURN to_char((t AT TIME ZONE 'UTC'::text), 'YYYY-MM-DD"T"HH24:MI:SS"Z"'::text)
;

CREATE OR REPLACE FUNCTION etl.watch_rule(w core.watch)
 RETURNS text
 LANGUAGE sql
 STABLE PARALLEL SAFE
RETURN CASE (w).rule WHEN 'below'::text THEN format('below %s %s'::text, trim_scale((w).amount), (w).currency) WHEN 'drop'::text THEN format('drop >= %s%%'::text, trim_scale((w).pct)) WHEN 'low'::text THEN (CASE WHEN ((w).pct = (0)::numeric) THEN 'at '::text ELSE format('within %s%% of '::text, trim_scale((w).pct)) END || CASE WHEN ((w).low_days IS NULL) THEN 'the all-time low'::text ELSE format('the %s-day low'::text, (w).low_days) END) ELSE 'back in stock'::text END
;

CREATE OR REPLACE FUNCTION etl.watch_target(w core.watch)
 RETURNS text
 LANGUAGE sql
 STABLE PARALLEL SAFE
RETURN CASE WHEN ((w).product_key IS NOT NULL) THEN ('product '::text || (w).product_key) ELSE (((w).marketplace || COALESCE(NULLIF(('/'::text || (w).region), '/'::text), ''::text)) || COALESCE((':'::text || (w).external_id), ''::text)) END
;

create schema core;

create table core.alert (
    alert_id bigint generated always as identity not null,
    kind text not null,
    watch_id bigint,
    listing_id bigint,
    event_at timestamp with time zone not null,
    subject text,
    message text not null,
    details jsonb not null default '{}'::jsonb,
    fired_at timestamp with time zone not null default now(),
    delivered_at timestamp with time zone,
    channel text
);

alter table core.alert add constraint alert_channel_check CHECK (channel = ANY (ARRAY['stdout'::text, 'exec'::text, 'webhook'::text]));

alter table core.alert add constraint alert_check CHECK ((watch_id IS NULL) = (listing_id IS NULL));

alter table core.alert add constraint alert_check1 CHECK ((watch_id IS NULL) = (subject IS NOT NULL));

alter table core.alert add constraint alert_check2 CHECK ((watch_id IS NULL) = (kind = ANY (ARRAY['run'::text, 'coverage'::text, 'rejects'::text, 'data_test'::text, 'stale'::text])));

alter table core.alert add constraint alert_check3 CHECK ((delivered_at IS NULL) = (channel IS NULL));

alter table core.alert add constraint alert_details_check CHECK (jsonb_typeof(details) = 'object'::text);

alter table core.alert add constraint alert_kind_check CHECK (kind = ANY (ARRAY['below'::text, 'drop'::text, 'low'::text, 'in_stock'::text, 'run'::text, 'coverage'::text, 'rejects'::text, 'data_test'::text, 'stale'::text]));

alter table core.alert add constraint alert_listing_id_fkey FOREIGN KEY (listing_id) REFERENCES core.listing(listing_id);

alter table core.alert add constraint alert_message_check CHECK (message <> ''::text);

alter table core.alert add constraint alert_pkey PRIMARY KEY (alert_id);

alter table core.alert add constraint alert_subject_check CHECK (subject <> ''::text);

alter table core.alert add constraint alert_watch_id_fkey FOREIGN KEY (watch_id) REFERENCES core.watch(watch_id) ON DELETE CASCADE;

CREATE INDEX alert_pending_idx ON core.alert USING btree (alert_id) WHERE (delivered_at IS NULL);

CREATE UNIQUE INDEX alert_subject_key ON core.alert USING btree (kind, subject) WHERE (watch_id IS NULL);

CREATE UNIQUE INDEX alert_watch_change_key ON core.alert USING btree (watch_id, listing_id, event_at) WHERE (watch_id IS NOT NULL);

create table core.availability_history (
    listing_id bigint not null,
    valid_from timestamp with time zone not null,
    valid_to timestamp with time zone,
    availability text not null
);

alter table core.availability_history add constraint availability_history_availability_check CHECK (availability = ANY (ARRAY['in_stock'::text, 'out_of_stock'::text, 'preorder'::text, 'unknown'::text]));

alter table core.availability_history add constraint availability_history_check CHECK (valid_to > valid_from);

alter table core.availability_history add constraint availability_history_listing_id_fkey FOREIGN KEY (listing_id) REFERENCES core.listing(listing_id);

alter table core.availability_history add constraint availability_history_listing_id_tstzrange_excl EXCLUDE USING gist (listing_id WITH =, tstzrange(valid_from, valid_to) WITH &&);

alter table core.availability_history add constraint availability_history_pkey PRIMARY KEY (listing_id, valid_from);

CREATE UNIQUE INDEX availability_history_current_idx ON core.availability_history USING btree (listing_id) WHERE (valid_to IS NULL);

create table core.crawl_run (
    crawl_run_id bigint not null,
    spider text not null,
    run_id text not null,
    status text not null,
    started_at timestamp with time zone not null,
    finished_at timestamp with time zone not null,
    pages integer,
    items integer,
    errors integer,
    stats jsonb not null default '{}'::jsonb,
    loaded_at timestamp with time zone not null,
    scope text not null,
    observations integer not null,
    produced integer not null,
    filled_title integer not null,
    filled_price integer not null,
    filled_list_price integer,
    filled_availability integer,
    filled_product_key integer,
    crawler_reason text,
    health text not null,
    health_reason text,
    delists boolean not null,
    region text not null default ''::text
);

alter table core.crawl_run add constraint crawl_run_check CHECK (finished_at >= started_at);

alter table core.crawl_run add constraint crawl_run_check1 CHECK (produced >= observations);

alter table core.crawl_run add constraint crawl_run_check2 CHECK (filled_title >= 0 AND filled_title <= produced);

alter table core.crawl_run add constraint crawl_run_check3 CHECK (filled_price >= 0 AND filled_price <= produced);

alter table core.crawl_run add constraint crawl_run_check4 CHECK (filled_list_price >= 0 AND filled_list_price <= observations);

alter table core.crawl_run add constraint crawl_run_check5 CHECK (filled_availability >= 0 AND filled_availability <= observations);

alter table core.crawl_run add constraint crawl_run_check6 CHECK (filled_product_key >= 0 AND filled_product_key <= observations);

alter table core.crawl_run add constraint crawl_run_check7 CHECK (delists = (health = 'complete'::text AND scope = 'full'::text));

alter table core.crawl_run add constraint crawl_run_check8 CHECK ((health = 'complete'::text) = (health_reason IS NULL));

alter table core.crawl_run add constraint crawl_run_errors_check CHECK (errors >= 0);

alter table core.crawl_run add constraint crawl_run_health_check CHECK (health = ANY (ARRAY['complete'::text, 'partial'::text, 'aborted'::text, 'suspect'::text]));

alter table core.crawl_run add constraint crawl_run_items_check CHECK (items >= 0);

alter table core.crawl_run add constraint crawl_run_observations_check CHECK (observations >= 0);

alter table core.crawl_run add constraint crawl_run_pages_check CHECK (pages >= 0);

alter table core.crawl_run add constraint crawl_run_pkey PRIMARY KEY (crawl_run_id);

alter table core.crawl_run add constraint crawl_run_run_id_check CHECK (run_id <> ''::text);

alter table core.crawl_run add constraint crawl_run_scope_check CHECK (scope = ANY (ARRAY['full'::text, 'partial'::text]));

alter table core.crawl_run add constraint crawl_run_spider_fkey FOREIGN KEY (spider) REFERENCES core.spider(spider);

alter table core.crawl_run add constraint crawl_run_stats_check CHECK (jsonb_typeof(stats) = 'object'::text);

alter table core.crawl_run add constraint crawl_run_status_check CHECK (status = ANY (ARRAY['complete'::text, 'partial'::text, 'aborted'::text, 'suspect'::text]));

CREATE INDEX crawl_run_spider_idx ON core.crawl_run USING btree (spider, started_at);

comment on column core.crawl_run.crawler_reason is 'the run record''s partial_reason or suspect_reason';

comment on column core.crawl_run.health is 'what the ETL judged (docs/history-rules.md, "Health")';

comment on column core.crawl_run.observations is 'valid observation lines of the file';

comment on column core.crawl_run.produced is 'observations + lines the loader rejected + items the crawler dropped';

comment on column core.crawl_run.status is 'what the crawler said (the run record)';

create table core.currency (
    currency character(3) not null,
    name text,
    minor_units smallint
);

alter table core.currency add constraint currency_check CHECK ((name IS NULL) = (minor_units IS NULL));

alter table core.currency add constraint currency_currency_check CHECK (currency ~ '^[A-Z]{3}$'::text);

alter table core.currency add constraint currency_minor_units_check CHECK (minor_units >= 0 AND minor_units <= 4);

alter table core.currency add constraint currency_name_check CHECK (name <> ''::text);

alter table core.currency add constraint currency_pkey PRIMARY KEY (currency);

create table core.fx_day (
    rate_date date not null,
    source text not null,
    loaded_at timestamp with time zone not null
);

alter table core.fx_day add constraint fx_day_pkey PRIMARY KEY (rate_date);

alter table core.fx_day add constraint fx_day_source_check CHECK (source <> ''::text);

create table core.fx_rate (
    currency character(3) not null,
    rate_date date not null,
    rate numeric not null
);

alter table core.fx_rate add constraint fx_rate_currency_check CHECK (currency <> 'EUR'::bpchar);

alter table core.fx_rate add constraint fx_rate_currency_fkey FOREIGN KEY (currency) REFERENCES core.currency(currency);

alter table core.fx_rate add constraint fx_rate_pkey PRIMARY KEY (currency, rate_date);

alter table core.fx_rate add constraint fx_rate_rate_check CHECK (rate > 0::numeric AND rate < '1000000000000'::numeric);

alter table core.fx_rate add constraint fx_rate_rate_date_fkey FOREIGN KEY (rate_date) REFERENCES core.fx_day(rate_date);

create table core.genre (
    genre text not null
);

alter table core.genre add constraint genre_genre_check CHECK (genre = lower(btrim(genre)) AND genre <> ''::text);

alter table core.genre add constraint genre_pkey PRIMARY KEY (genre);

create table core.listing (
    listing_id bigint generated always as identity not null,
    marketplace text not null,
    external_id text not null,
    product_id bigint not null,
    spider text not null,
    url text not null,
    title text not null,
    first_seen timestamp with time zone not null,
    delisted_at timestamp with time zone,
    attrs jsonb not null default '{}'::jsonb,
    region text not null default ''::text
) with (fillfactor=90);

alter table core.listing add constraint listing_attrs_check CHECK (jsonb_typeof(attrs) = 'object'::text);

alter table core.listing add constraint listing_external_id_check CHECK (length(external_id) >= 1 AND length(external_id) <= 200);

alter table core.listing add constraint listing_key UNIQUE (marketplace, region, external_id);

alter table core.listing add constraint listing_marketplace_fkey FOREIGN KEY (marketplace) REFERENCES core.marketplace(marketplace);

alter table core.listing add constraint listing_pkey PRIMARY KEY (listing_id);

alter table core.listing add constraint listing_product_id_fkey FOREIGN KEY (product_id) REFERENCES core.product(product_id);

alter table core.listing add constraint listing_region_check CHECK (region ~ '^[a-z0-9_-]{0,20}$'::text);

alter table core.listing add constraint listing_spider_fkey FOREIGN KEY (spider) REFERENCES core.spider(spider);

alter table core.listing add constraint listing_title_check CHECK (title <> ''::text);

alter table core.listing add constraint listing_url_check CHECK (url ~ '^https?://'::text);

CREATE INDEX listing_product_idx ON core.listing USING btree (product_id);

CREATE INDEX listing_spider_idx ON core.listing USING btree (spider);

comment on column core.listing.first_seen is 'start of the first run that saw it';

create table core.listing_genre (
    listing_id bigint not null,
    genre text not null
);

alter table core.listing_genre add constraint listing_genre_genre_fkey FOREIGN KEY (genre) REFERENCES core.genre(genre);

alter table core.listing_genre add constraint listing_genre_listing_id_fkey FOREIGN KEY (listing_id) REFERENCES core.listing(listing_id);

alter table core.listing_genre add constraint listing_genre_pkey PRIMARY KEY (listing_id, genre);

CREATE INDEX listing_genre_genre_idx ON core.listing_genre USING btree (genre);

create table core.listing_platform (
    listing_id bigint not null,
    platform text not null
);

alter table core.listing_platform add constraint listing_platform_listing_id_fkey FOREIGN KEY (listing_id) REFERENCES core.listing(listing_id);

alter table core.listing_platform add constraint listing_platform_pkey PRIMARY KEY (listing_id, platform);

alter table core.listing_platform add constraint listing_platform_platform_fkey FOREIGN KEY (platform) REFERENCES core.platform(platform);

CREATE INDEX listing_platform_platform_idx ON core.listing_platform USING btree (platform);

create table core.listing_seen (
    listing_id bigint not null,
    spider text not null,
    first_seen timestamp with time zone not null,
    seen_at timestamp with time zone
);

alter table core.listing_seen add constraint listing_seen_check CHECK (seen_at >= first_seen);

alter table core.listing_seen add constraint listing_seen_listing_id_fkey FOREIGN KEY (listing_id) REFERENCES core.listing(listing_id);

alter table core.listing_seen add constraint listing_seen_pkey PRIMARY KEY (listing_id, spider);

alter table core.listing_seen add constraint listing_seen_spider_fkey FOREIGN KEY (spider) REFERENCES core.spider(spider);

CREATE INDEX listing_seen_spider_idx ON core.listing_seen USING btree (spider);

create table core.marketplace (
    marketplace text not null,
    first_seen timestamp with time zone not null
);

alter table core.marketplace add constraint marketplace_marketplace_check CHECK (marketplace ~ '^[a-z0-9_.-]{1,100}$'::text);

alter table core.marketplace add constraint marketplace_pkey PRIMARY KEY (marketplace);

create table core.platform (
    platform text not null
);

alter table core.platform add constraint platform_pkey PRIMARY KEY (platform);

alter table core.platform add constraint platform_platform_check CHECK (platform = lower(btrim(platform)) AND platform <> ''::text);

create table core.price_history (
    listing_id bigint not null,
    valid_from timestamp with time zone not null,
    valid_to timestamp with time zone,
    price numeric not null,
    list_price numeric,
    currency character(3) not null
);

alter table core.price_history add constraint price_history_check CHECK (valid_to > valid_from);

alter table core.price_history add constraint price_history_currency_fkey FOREIGN KEY (currency) REFERENCES core.currency(currency);

alter table core.price_history add constraint price_history_list_price_check CHECK (list_price >= 0::numeric AND list_price < '10000000000000'::numeric);

alter table core.price_history add constraint price_history_listing_id_fkey FOREIGN KEY (listing_id) REFERENCES core.listing(listing_id);

alter table core.price_history add constraint price_history_listing_id_tstzrange_excl EXCLUDE USING gist (listing_id WITH =, tstzrange(valid_from, valid_to) WITH &&);

alter table core.price_history add constraint price_history_pkey PRIMARY KEY (listing_id, valid_from);

alter table core.price_history add constraint price_history_price_check CHECK (price >= 0::numeric AND price < '10000000000000'::numeric);

CREATE UNIQUE INDEX price_history_current_idx ON core.price_history USING btree (listing_id) WHERE (valid_to IS NULL);

CREATE INDEX price_history_valid_from_idx ON core.price_history USING btree (valid_from);

create table core.product (
    product_id bigint generated by default as identity not null,
    product_key text
);

alter table core.product add constraint product_pkey PRIMARY KEY (product_id);

alter table core.product add constraint product_product_key_check CHECK (length(product_key) >= 1 AND length(product_key) <= 200);

alter table core.product add constraint product_product_key_key UNIQUE (product_key);

CREATE INDEX product_order_idx ON core.product USING btree (product_key, product_id);

create table core.spider (
    spider text not null,
    seen_until timestamp with time zone,
    observed_until timestamp with time zone
);

alter table core.spider add constraint spider_pkey PRIMARY KEY (spider);

alter table core.spider add constraint spider_spider_check CHECK (length(spider) >= 1 AND length(spider) <= 100);

comment on column core.spider.observed_until is 'latest observed_at or finish of any run of this spider the ETL processed';

comment on column core.spider.seen_until is 'start of the newest run of this spider the ETL processed (any status)';

create table core.spider_schedule (
    spider text not null,
    stale_after interval not null
);

alter table core.spider_schedule add constraint spider_schedule_pkey PRIMARY KEY (spider);

alter table core.spider_schedule add constraint spider_schedule_spider_check CHECK (length(spider) >= 1 AND length(spider) <= 100);

alter table core.spider_schedule add constraint spider_schedule_stale_after_check CHECK (stale_after > '00:00:00'::interval);

create table core.watch (
    watch_id bigint generated always as identity not null,
    product_key text,
    marketplace text,
    region text,
    external_id text,
    rule text not null,
    amount numeric,
    currency character(3),
    pct numeric,
    low_days integer,
    label text,
    since timestamp with time zone not null default now(),
    created_at timestamp with time zone not null default now(),
    evaluated_at timestamp with time zone
);

alter table core.watch add constraint watch_amount_check CHECK (amount > 0::numeric AND amount < '10000000000000'::numeric);

alter table core.watch add constraint watch_check CHECK (num_nonnulls(product_key, external_id) <= 1);

alter table core.watch add constraint watch_check1 CHECK (product_key IS NULL OR marketplace IS NULL AND region IS NULL);

alter table core.watch add constraint watch_check2 CHECK (external_id IS NULL OR marketplace IS NOT NULL);

alter table core.watch add constraint watch_check3 CHECK (num_nonnulls(product_key, marketplace) = 1);

alter table core.watch add constraint watch_check4 CHECK ((rule = 'below'::text) = (amount IS NOT NULL AND currency IS NOT NULL));

alter table core.watch add constraint watch_check5 CHECK (rule = 'below'::text OR amount IS NULL AND currency IS NULL);

alter table core.watch add constraint watch_check6 CHECK ((rule = ANY (ARRAY['drop'::text, 'low'::text])) = (pct IS NOT NULL));

alter table core.watch add constraint watch_check7 CHECK (rule <> 'drop'::text OR pct > 0::numeric);

alter table core.watch add constraint watch_check8 CHECK (rule = 'low'::text OR low_days IS NULL);

alter table core.watch add constraint watch_currency_fkey FOREIGN KEY (currency) REFERENCES core.currency(currency);

alter table core.watch add constraint watch_external_id_check CHECK (length(external_id) >= 1 AND length(external_id) <= 200);

alter table core.watch add constraint watch_label_check CHECK (label <> ''::text AND length(label) <= 200);

alter table core.watch add constraint watch_low_days_check CHECK (low_days = ANY (ARRAY[90, 365]));

alter table core.watch add constraint watch_marketplace_check CHECK (marketplace ~ '^[a-z0-9_.-]{1,100}$'::text);

alter table core.watch add constraint watch_pct_check CHECK (pct >= 0::numeric AND pct < 100::numeric);

alter table core.watch add constraint watch_pkey PRIMARY KEY (watch_id);

alter table core.watch add constraint watch_product_key_check CHECK (length(product_key) >= 1 AND length(product_key) <= 200);

alter table core.watch add constraint watch_region_check CHECK (region ~ '^[a-z0-9_-]{0,20}$'::text);

alter table core.watch add constraint watch_rule_check CHECK (rule = ANY (ARRAY['below'::text, 'drop'::text, 'low'::text, 'in_stock'::text]));

comment on table core.watch is 'what people watch (marketcrawl watch; docs/alerts.md)';

create view core.listing_last_seen as
 SELECT l.listing_id,
    x.last_seen
   FROM core.listing l
     CROSS JOIN LATERAL ( SELECT max(COALESCE(s.seen_at, sp.seen_until)) AS last_seen
           FROM core.listing_seen s
             JOIN core.spider sp ON sp.spider = s.spider
          WHERE s.listing_id = l.listing_id) x;

create view core.price_change as
 SELECT cur.listing_id,
    cur.valid_from AS changed_at,
    cur.currency,
    prev.price AS old_price,
    cur.price AS new_price,
    cur.price - prev.price AS delta,
    round((cur.price - prev.price) * 100::numeric / NULLIF(prev.price, 0::numeric), 2) AS delta_pct
   FROM core.price_history cur
     CROSS JOIN LATERAL ( SELECT p.price,
            p.currency
           FROM core.price_history p
          WHERE p.listing_id = cur.listing_id AND p.valid_from < cur.valid_from
          ORDER BY p.valid_from DESC
         LIMIT 1) prev
  WHERE prev.currency = cur.currency AND prev.price <> cur.price;

CREATE OR REPLACE FUNCTION core.fx_cross_rate(from_currency character, to_currency character, day date)
 RETURNS TABLE(rate numeric, rate_date date)
 LANGUAGE sql
 STABLE PARALLEL SAFE
AS $function$
    select 1::numeric, null::date
    where from_currency = to_currency
    union all
    select t.rate / f.rate, least(f.rate_date, t.rate_date)
    from core.fx_rate_on(from_currency, day) f, core.fx_rate_on(to_currency, day) t
    where from_currency <> to_currency
$function$
;

CREATE OR REPLACE FUNCTION core.fx_rate_on(currency character, day date)
 RETURNS TABLE(rate numeric, rate_date date)
 LANGUAGE sql
 STABLE PARALLEL SAFE
AS $function$
    select 1::numeric, null::date
    where fx_rate_on.currency = 'EUR'
    union all
    (select r.rate, r.rate_date
     from core.fx_rate r
     where r.currency = fx_rate_on.currency and r.rate_date <= fx_rate_on.day
       and fx_rate_on.currency <> 'EUR'
     order by r.rate_date desc
     limit 1)
$function$
;

create schema mart;

create table mart.daily_price_move (
    day date not null,
    marketplace text not null,
    changes integer not null,
    drops integer not null,
    increases integer not null,
    largest_drop_pct numeric,
    largest_drop_listing_id bigint,
    largest_increase_pct numeric,
    largest_increase_listing_id bigint,
    avg_change_pct numeric
);

alter table mart.daily_price_move add constraint daily_price_move_changes_check CHECK (changes > 0);

alter table mart.daily_price_move add constraint daily_price_move_check CHECK ((drops + increases) = changes);

alter table mart.daily_price_move add constraint daily_price_move_check1 CHECK ((largest_drop_pct IS NULL) = (largest_drop_listing_id IS NULL));

alter table mart.daily_price_move add constraint daily_price_move_check2 CHECK ((largest_increase_pct IS NULL) = (largest_increase_listing_id IS NULL));

alter table mart.daily_price_move add constraint daily_price_move_drops_check CHECK (drops >= 0);

alter table mart.daily_price_move add constraint daily_price_move_increases_check CHECK (increases >= 0);

alter table mart.daily_price_move add constraint daily_price_move_largest_drop_listing_id_fkey FOREIGN KEY (largest_drop_listing_id) REFERENCES core.listing(listing_id);

alter table mart.daily_price_move add constraint daily_price_move_largest_increase_listing_id_fkey FOREIGN KEY (largest_increase_listing_id) REFERENCES core.listing(listing_id);

alter table mart.daily_price_move add constraint daily_price_move_marketplace_fkey FOREIGN KEY (marketplace) REFERENCES core.marketplace(marketplace);

alter table mart.daily_price_move add constraint daily_price_move_pkey PRIMARY KEY (day, marketplace);

create schema rpt;

create view rpt.alert as
 SELECT a.alert_id,
    a.kind,
    a.event_at,
    a.message,
    a.fired_at,
    a.delivered_at,
    a.channel
   FROM core.alert a;

create view rpt.alert_schedule as
 SELECT s.spider,
    COALESCE(sc.stale_after, '2 days'::interval) AS stale_after,
    sc.spider IS NULL AS is_default,
    c.last_complete_at,
    COALESCE((c.last_complete_at + COALESCE(sc.stale_after, '2 days'::interval)) < now(), false) AS stale
   FROM ( SELECT spider.spider
           FROM core.spider
        UNION
         SELECT spider_schedule.spider
           FROM core.spider_schedule) s
     LEFT JOIN core.spider_schedule sc ON sc.spider = s.spider
     LEFT JOIN LATERAL ( SELECT max(r.finished_at) AS last_complete_at
           FROM core.crawl_run r
          WHERE r.spider = s.spider AND r.status = 'complete'::text) c ON true;

create view rpt.alert_watch as
 SELECT w.watch_id,
    etl.watch_target(w.*) AS target,
    etl.watch_rule(w.*) AS rule,
    w.label,
    w.since,
    ( SELECT count(*) AS count
           FROM core.alert a
          WHERE a.watch_id = w.watch_id) AS alerts,
    ( SELECT count(*) AS count
           FROM core.alert a
          WHERE a.watch_id = w.watch_id AND a.delivered_at IS NULL) AS pending
   FROM core.watch w;

create view rpt.cheapest_offer as
 SELECT p.product_id,
    p.product_key,
    o.currency,
    o.marketplace,
    o.region,
    o.external_id,
    o.title,
    o.price,
    o.offers,
    o.highest_price
   FROM core.product p
     CROSS JOIN LATERAL ( SELECT ph.currency,
            l.marketplace,
            l.region,
            l.external_id,
            l.title,
            ph.price,
            count(*) OVER w AS offers,
            max(ph.price) OVER w AS highest_price,
            row_number() OVER (PARTITION BY ph.currency ORDER BY ph.price, l.marketplace, l.region, l.external_id) AS rank
           FROM core.listing l
             JOIN core.price_history ph ON ph.listing_id = l.listing_id AND ph.valid_to IS NULL
          WHERE l.product_id = p.product_id AND l.delisted_at IS NULL
          WINDOW w AS (PARTITION BY ph.currency)) o
  WHERE o.rank = 1;

create view rpt.cheapest_offer_converted as
 SELECT t.currency,
    p.product_id,
    p.product_key,
    round(o.converted, COALESCE(t.minor_units::integer, 2)) AS price,
    o.marketplace,
    o.region,
    o.external_id,
    o.title,
    o.original_price,
    o.original_currency,
    trim_scale(round(o.rate, 8)) AS rate,
    o.rate_date,
    o.observed_on,
    o.offers,
    round(o.highest_converted, COALESCE(t.minor_units::integer, 2)) AS highest_price,
    o.not_converted
   FROM ( SELECT c.currency,
            c.minor_units
           FROM core.currency c
          WHERE c.currency = 'EUR'::bpchar OR (EXISTS ( SELECT 1
                   FROM core.fx_rate r
                  WHERE r.currency = c.currency))) t
     CROSS JOIN core.product p
     CROSS JOIN LATERAL ( SELECT l.marketplace,
            l.region,
            l.external_id,
            l.title,
            ph.price AS original_price,
            ph.currency AS original_currency,
            d.observed_on,
            ph.price * x.rate AS converted,
            x.rate,
            x.rate_date,
            count(x.rate) OVER w AS offers,
            count(*) OVER w - count(x.rate) OVER w AS not_converted,
            max(ph.price * x.rate) OVER w AS highest_converted,
            row_number() OVER (ORDER BY (ph.price * x.rate), l.marketplace, l.region, l.external_id) AS rank
           FROM core.listing l
             JOIN core.price_history ph ON ph.listing_id = l.listing_id AND ph.valid_to IS NULL
             JOIN core.listing_last_seen ls ON ls.listing_id = l.listing_id
             CROSS JOIN LATERAL ( SELECT (ls.last_seen AT TIME ZONE 'UTC'::text)::date AS observed_on) d
             LEFT JOIN LATERAL core.fx_cross_rate(ph.currency, t.currency, d.observed_on) x(rate, rate_date) ON true
          WHERE l.product_id = p.product_id AND l.delisted_at IS NULL
          WINDOW w AS ()) o
  WHERE o.rank = 1 AND o.converted IS NOT NULL;

create view rpt.current_price as
 SELECT l.marketplace,
    l.region,
    l.external_id,
    l.title,
    p.price,
    p.list_price,
    p.currency,
    a.availability,
    p.valid_from AS price_since,
    s.last_seen,
    l.url
   FROM core.listing l
     JOIN core.listing_last_seen s ON s.listing_id = l.listing_id
     JOIN core.price_history p ON p.listing_id = l.listing_id AND p.valid_to IS NULL
     JOIN core.availability_history a ON a.listing_id = l.listing_id AND a.valid_to IS NULL
  WHERE l.delisted_at IS NULL;

create view rpt.daily_price_moves as
 SELECT d.day,
    d.marketplace,
    d.changes,
    d.drops,
    d.increases,
    d.largest_drop_pct,
    ld.external_id AS largest_drop_listing,
    d.largest_increase_pct,
    li.external_id AS largest_increase_listing,
    d.avg_change_pct
   FROM mart.daily_price_move d
     LEFT JOIN core.listing ld ON ld.listing_id = d.largest_drop_listing_id
     LEFT JOIN core.listing li ON li.listing_id = d.largest_increase_listing_id;

create view rpt.fx_rate as
 SELECT r.currency,
    c.name,
    min(r.rate_date) AS first_date,
    max(r.rate_date) AS last_date,
    count(*) AS dates,
    (array_agg(r.rate ORDER BY r.rate_date DESC))[1] AS last_rate
   FROM core.fx_rate r
     JOIN core.currency c ON c.currency = r.currency
  GROUP BY r.currency, c.name;

create view rpt.historic_low as
 SELECT l.marketplace,
    l.region,
    l.external_id,
    l.title,
    cur.currency,
    cur.price AS current_price,
    lo.price AS alltime_low,
    lo.valid_from AS alltime_low_at,
    lo365.price AS low_365d,
    lo365.valid_from AS low_365d_at,
    lo90.price AS low_90d,
    lo90.valid_from AS low_90d_at,
    cur.price <= lo.price AS at_alltime_low,
    cur.price <= (lo.price * 1.05) AS within_5pct_of_low
   FROM core.listing l
     JOIN core.price_history cur ON cur.listing_id = l.listing_id AND cur.valid_to IS NULL
     CROSS JOIN LATERAL ( SELECT h.price,
            h.valid_from
           FROM core.price_history h
          WHERE h.listing_id = l.listing_id AND h.currency = cur.currency
          ORDER BY h.price, h.valid_from DESC
         LIMIT 1) lo
     CROSS JOIN LATERAL ( SELECT h.price,
            h.valid_from
           FROM core.price_history h
          WHERE h.listing_id = l.listing_id AND h.currency = cur.currency AND (h.valid_to IS NULL OR h.valid_to > (now() - '365 days'::interval))
          ORDER BY h.price, h.valid_from DESC
         LIMIT 1) lo365
     CROSS JOIN LATERAL ( SELECT h.price,
            h.valid_from
           FROM core.price_history h
          WHERE h.listing_id = l.listing_id AND h.currency = cur.currency AND (h.valid_to IS NULL OR h.valid_to > (now() - '90 days'::interval))
          ORDER BY h.price, h.valid_from DESC
         LIMIT 1) lo90
  WHERE l.delisted_at IS NULL;

create view rpt.metrics as
 WITH last_run AS (
         SELECT DISTINCT ON (r.spider, r.region) r.crawl_run_id,
            r.spider,
            r.run_id,
            r.status,
            r.started_at,
            r.finished_at,
            r.pages,
            r.items,
            r.errors,
            r.stats,
            r.loaded_at,
            r.scope,
            r.observations,
            r.produced,
            r.filled_title,
            r.filled_price,
            r.filled_list_price,
            r.filled_availability,
            r.filled_product_key,
            r.crawler_reason,
            r.health,
            r.health_reason,
            r.delists,
            r.region
           FROM core.crawl_run r
          ORDER BY r.spider, r.region, r.started_at DESC, r.crawl_run_id DESC
        ), last_complete AS (
         SELECT r.spider,
            r.region,
            max(r.finished_at) AS finished_at
           FROM core.crawl_run r
          WHERE r.status = 'complete'::text
          GROUP BY r.spider, r.region
        ), spider_sample(ord, metric, type, help, spider, region, status, value) AS (
         SELECT 1 AS "?column?",
            'spider_last_run_status'::text AS "?column?",
            'gauge'::text AS "?column?",
            'Status of the spider''s last run loaded into the model: 1 for its status, 0 for the others.'::text AS "?column?",
            l.spider,
            l.region,
            s.status,
            (l.status = s.status)::integer::double precision AS float8
           FROM last_run l
             CROSS JOIN unnest(ARRAY['complete'::text, 'partial'::text, 'aborted'::text, 'suspect'::text]) s(status)
        UNION ALL
         SELECT 2,
            'spider_last_run_start_timestamp_seconds'::text,
            'gauge'::text,
            'When the spider''s last run started, in Unix seconds.'::text,
            l.spider,
            l.region,
            NULL::text,
            EXTRACT(epoch FROM l.started_at)::double precision AS "extract"
           FROM last_run l
        UNION ALL
         SELECT 3,
            'spider_last_complete_run_timestamp_seconds'::text,
            'gauge'::text,
            'When the spider''s last complete run finished, in Unix seconds.'::text,
            c.spider,
            c.region,
            NULL::text,
            EXTRACT(epoch FROM c.finished_at)::double precision AS "extract"
           FROM last_complete c
        UNION ALL
         SELECT 4,
            'spider_last_run_duration_seconds'::text,
            'gauge'::text,
            'How long the spider''s last run took, in seconds.'::text,
            l.spider,
            l.region,
            NULL::text,
            EXTRACT(epoch FROM l.finished_at - l.started_at)::double precision AS "extract"
           FROM last_run l
        UNION ALL
         SELECT 5,
            'spider_last_run_pages'::text,
            'gauge'::text,
            'Pages the spider''s last run fetched.'::text,
            l.spider,
            l.region,
            NULL::text,
            l.pages::double precision AS pages
           FROM last_run l
          WHERE l.pages IS NOT NULL
        UNION ALL
         SELECT 6,
            'spider_last_run_items'::text,
            'gauge'::text,
            'Items the spider''s last run produced.'::text,
            l.spider,
            l.region,
            NULL::text,
            l.items::double precision AS items
           FROM last_run l
          WHERE l.items IS NOT NULL
        UNION ALL
         SELECT 7,
            'spider_last_run_errors'::text,
            'gauge'::text,
            'Errors the spider''s last run counted.'::text,
            l.spider,
            l.region,
            NULL::text,
            l.errors::double precision AS errors
           FROM last_run l
          WHERE l.errors IS NOT NULL
        ), loader_sample(ord, metric, type, help, value) AS (
         SELECT 20 AS "?column?",
            'loader_files_loaded_total'::text AS "?column?",
            'counter'::text AS "?column?",
            'Staging files loaded.'::text AS "?column?",
            count(*)::double precision AS count
           FROM stg.loaded_file
        UNION ALL
         SELECT 21,
            'loader_rows_accepted_total'::text,
            'counter'::text,
            'Staging lines loaded as observations.'::text,
            COALESCE(sum(loaded_file.rows_accepted), 0::bigint)::double precision AS "coalesce"
           FROM stg.loaded_file
        UNION ALL
         SELECT 22,
            'loader_rows_unchanged_total'::text,
            'counter'::text,
            'Staging lines not stored because the listing had not changed.'::text,
            COALESCE(sum(loaded_file.rows_unchanged), 0::bigint)::double precision AS "coalesce"
           FROM stg.loaded_file
        UNION ALL
         SELECT 23,
            'loader_rows_rejected_total'::text,
            'counter'::text,
            'Staging lines rejected.'::text,
            COALESCE(sum(loaded_file.rows_rejected), 0::bigint)::double precision AS "coalesce"
           FROM stg.loaded_file
        ), etl_last AS (
         SELECT r.run_id,
            r.started_at,
            r.finished_at,
            r.status,
            r.files_processed,
            r.error_text,
            r.backend_pid,
            ( SELECT COALESCE(sum(j.rows_affected), 0::numeric) AS "coalesce"
                   FROM etl.job_run j
                  WHERE j.run_id = r.run_id) AS rows_affected
           FROM etl.run r
          ORDER BY r.run_id DESC
         LIMIT 1
        ), etl_sample(ord, metric, type, help, status, value) AS (
         SELECT 30 AS "?column?",
            'etl_last_run_status'::text AS "?column?",
            'gauge'::text AS "?column?",
            'Status of the last ETL run: 1 for its status, 0 for the others.'::text AS "?column?",
            s.status,
            (e.status = s.status)::integer::double precision AS float8
           FROM etl_last e
             CROSS JOIN unnest(ARRAY['running'::text, 'ok'::text, 'failed'::text, 'abandoned'::text, 'locked'::text]) s(status)
        UNION ALL
         SELECT 31,
            'etl_last_run_start_timestamp_seconds'::text,
            'gauge'::text,
            'When the last ETL run started, in Unix seconds.'::text,
            NULL::text,
            EXTRACT(epoch FROM e.started_at)::double precision AS "extract"
           FROM etl_last e
        UNION ALL
         SELECT 32,
            'etl_last_run_duration_seconds'::text,
            'gauge'::text,
            'How long the last finished ETL run took, in seconds.'::text,
            NULL::text,
            EXTRACT(epoch FROM e.finished_at - e.started_at)::double precision AS "extract"
           FROM etl_last e
          WHERE e.finished_at IS NOT NULL
        UNION ALL
         SELECT 33,
            'etl_last_run_rows'::text,
            'gauge'::text,
            'Rows the last ETL run''s jobs affected.'::text,
            NULL::text,
            e.rows_affected::double precision AS rows_affected
           FROM etl_last e
        UNION ALL
         SELECT 34,
            'etl_last_run_files'::text,
            'gauge'::text,
            'Loaded files the last ETL run processed.'::text,
            NULL::text,
            e.files_processed::double precision AS files_processed
           FROM etl_last e
        ), alert_sample(ord, metric, type, help, kind, value) AS (
         SELECT 40 AS "?column?",
            'alerts_pending'::text AS "?column?",
            'gauge'::text AS "?column?",
            'Alerts and run-health notifications not yet delivered (marketcrawl alerts).'::text AS "?column?",
            k.kind,
            (( SELECT count(*) AS count
                   FROM core.alert a
                  WHERE a.kind = k.kind AND a.delivered_at IS NULL))::double precision AS count
           FROM unnest(ARRAY['below'::text, 'drop'::text, 'low'::text, 'in_stock'::text, 'run'::text, 'coverage'::text, 'rejects'::text, 'data_test'::text, 'stale'::text]) k(kind)
        )
 SELECT spider_sample.ord,
    spider_sample.metric,
    spider_sample.type,
    spider_sample.help,
    spider_sample.spider,
    NULLIF(spider_sample.region, ''::text) AS region,
    spider_sample.status,
    spider_sample.value,
    NULL::text AS kind
   FROM spider_sample
UNION ALL
 SELECT loader_sample.ord,
    loader_sample.metric,
    loader_sample.type,
    loader_sample.help,
    NULL::text AS spider,
    NULL::text AS region,
    NULL::text AS status,
    loader_sample.value,
    NULL::text AS kind
   FROM loader_sample
UNION ALL
 SELECT etl_sample.ord,
    etl_sample.metric,
    etl_sample.type,
    etl_sample.help,
    NULL::text AS spider,
    NULL::text AS region,
    etl_sample.status,
    etl_sample.value,
    NULL::text AS kind
   FROM etl_sample
UNION ALL
 SELECT alert_sample.ord,
    alert_sample.metric,
    alert_sample.type,
    alert_sample.help,
    NULL::text AS spider,
    NULL::text AS region,
    NULL::text AS status,
    alert_sample.value,
    alert_sample.kind
   FROM alert_sample;

create view rpt.price_change as
 SELECT c.changed_at,
    l.marketplace,
    l.region,
    l.external_id,
    l.title,
    c.currency,
    c.old_price,
    c.new_price,
    c.delta,
    c.delta_pct
   FROM core.price_change c
     JOIN core.listing l ON l.listing_id = c.listing_id;

create view rpt.price_history as
 SELECT l.marketplace,
    l.region,
    l.external_id,
    l.title,
    h.valid_from,
    h.valid_to,
    h.price,
    h.list_price,
    h.currency
   FROM core.price_history h
     JOIN core.listing l ON l.listing_id = h.listing_id;

create view rpt.recent_price_drops as
 SELECT price_change.changed_at,
    price_change.marketplace,
    price_change.region,
    price_change.external_id,
    price_change.title,
    price_change.currency,
    price_change.old_price,
    price_change.new_price,
    price_change.delta,
    price_change.delta_pct
   FROM rpt.price_change
  WHERE price_change.delta < 0::numeric;

create view rpt.recent_price_increases as
 SELECT price_change.changed_at,
    price_change.marketplace,
    price_change.region,
    price_change.external_id,
    price_change.title,
    price_change.currency,
    price_change.old_price,
    price_change.new_price,
    price_change.delta,
    price_change.delta_pct
   FROM rpt.price_change
  WHERE price_change.delta > 0::numeric;

create view rpt.run_health as
 SELECT r.spider,
    r.run_id,
    r.region,
    r.started_at,
    r.finished_at,
    r.scope,
    r.status,
    r.health,
    r.delists,
    r.observations AS items,
    r.produced,
    etl.fill_pct(r.filled_title, r.produced) AS title_pct,
    etl.fill_pct(r.filled_price, r.produced) AS price_pct,
    etl.fill_pct(r.filled_list_price, r.produced) AS list_price_pct,
    etl.fill_pct(r.filled_availability, r.produced) AS availability_pct,
    etl.fill_pct(r.filled_product_key, r.produced) AS product_key_pct,
    r.health_reason AS reason
   FROM core.crawl_run r;
