-- An exact amount with at least the currency's minor units of scale and no
-- needless trailing zeros: 14.990000 EUR -> 14.99, 15 EUR -> 15.00,
-- 1500.000000 JPY -> 1500, 0.123400 USD -> 0.1234.  Same value, stable text.
create or replace function etl.money(amount numeric, minor_units smallint) returns numeric
language sql immutable parallel safe
as $$ select round(amount, greatest(scale(trim_scale(amount)), coalesce(minor_units, 0))) $$;
