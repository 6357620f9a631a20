"""The validator's checks, one module per kind of thing checked.

``descriptor`` (the JSON, its Data Package v2 profile, resource paths), ``files`` (bytes:
encoding, newlines, BOM, header, hashes), ``rows`` (every cell against its field), ``keys``
(primary, unique and foreign keys, duplicate rows) and ``rules`` (the package's own rules:
periods, subsets, claims, corrections). ``japus_data.validation`` runs them in that order.
"""
