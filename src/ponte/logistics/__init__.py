"""Air logistics: air waybills, rating, ULDs, consolidation, routes, tracking, ONE Record export."""
