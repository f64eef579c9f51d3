"""The park's live selling: sessions walking booth to booth, flash-sale offers, reservations."""
