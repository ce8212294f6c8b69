"""Loading: bulk output folders in, their rows upserted into Dataverse (or F&O) out.

``python -m generator load`` reads the payloads ``bulk --direction to-dataverse`` wrote, orders
the folders so a table comes after the tables its lookups point at, and sends every row to its
alternate-key address through ``$batch`` or ``UpsertMultiple``, within the service protection
limits. A journal under ``FOLDER/load/`` records each confirmed batch, so a run killed at any
moment resumes where it stopped; lookups into rows of the same run are bound in a second pass.
"""
