-- The second pass: the lines to store, straight into stg.observation, in
-- COPY binary format (etl/loader.c's put_observation): the server parses
-- no timestamp or decimal and unescapes no text.
copy stg.observation (obs_id, file_id, line_no, marketplace, region, external_id, url, title,
                      price, list_price, currency, availability, observed_at, product_key, attrs,
                      is_late)
from stdin (format binary)
