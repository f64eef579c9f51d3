"""The fulfilment choice: for each order, the ways it can really ship (direct air parcel, overseas or bonded
warehouse stock, B2B), each with what the buyer pays, what it costs to move, when it arrives and whether the
law lets it through; and the one chosen under the seller's rules, with why."""
