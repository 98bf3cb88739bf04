"""Getting contacts in and everything out: CSV and vCard import, CSV/JSON/vCard export.

Modules: ``mapping`` (which column feeds which field), ``values`` (text to card values,
duplicate keys), ``csv_import`` and ``vcard`` (reading files as a stream of records),
``sources`` (opening a file with the right reader), ``import_result`` (what an import is
asked and reports), ``importer`` (the import itself, in one transaction) with
``import_keys`` (the duplicate check) and ``import_updates`` (changes to existing cards),
``batches`` (list and undo imports), ``export``, ``ics`` (the visit calendar).
Nothing heavy is imported here: the CLI imports these modules inside its commands.
"""
