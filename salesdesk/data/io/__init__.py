"""Getting contacts in and everything out: CSV and vCard import, CSV/JSON/vCard export.

Modules: ``mapping`` (which column feeds which field), ``values`` (text to card values,
duplicate keys), ``csv_import`` and ``vcard`` (reading files as a stream of records),
``importer`` (the import itself, in one transaction), ``batches`` (list and undo imports),
``export``.
Nothing heavy is imported here: the CLI imports these modules inside its commands.
"""
