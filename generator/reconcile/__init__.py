"""Reconciling: an F&O export and a Dataverse export of one map in, what differs and the repairs out.

Each side runs through the map's generated query (the F&O records to Dataverse, the
Dataverse records to F&O); the outcomes are paired by the integration key and the company
and compared column by column in the engine. ``columns`` decides what is compared,
``comparison`` renders the pairing query, ``run`` executes it and ``outputs`` and ``report``
write the folder.
"""
