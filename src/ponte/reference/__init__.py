"""Reference data: countries, currencies, airports, HS nomenclature, customs code lists, tax IDs, FX."""
