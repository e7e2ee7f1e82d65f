-- Param and tag filters (params.optimizer = 'adam', tags.stage = 'dev') are a key AND a value,
-- and which values occur depends on the key. By default the planner multiplies the two
-- selectivities as if independent, underestimates the matching rows tenfold, and picks a plan
-- that reads every match instead of walking the experiment's newest runs until a page is full.
-- Multivariate statistics on (key, value) give it the real combinations.
create statistics if not exists platform_params_key_value (mcv, dependencies) on key, value from params;
create statistics if not exists platform_tags_key_value (mcv, dependencies) on key, value from tags;
analyze params, tags;
