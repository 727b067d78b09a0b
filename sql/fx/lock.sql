-- Serialise `fx load` runs for the rest of the transaction (readers of the
-- rates are not blocked): whether a date is new is decided by one at a time.
lock table core.fx_day in share row exclusive mode
