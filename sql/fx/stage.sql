-- The rates of one file as parsed (etl/fx_load.c sends them by COPY), with
-- the line of each in the file for the messages; dropped at commit.
create temp table fx_in (
    rate_date date not null,
    currency  text not null,
    rate      numeric not null,
    line      integer not null
) on commit drop
