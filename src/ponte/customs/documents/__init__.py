"""Documents that travel with a parcel: commercial invoice and CN23 (PDF), EU H7 dataset (JSON)."""
