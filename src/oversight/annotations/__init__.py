"""Annotations and SPC rebases as governed data: who may add, propose, approve and reverse
them (`access`), the rebase lifecycle (`lifecycle`), the records in the operational database
(`annotation_store`, `rebase_store`, `approvers`) and the command line (`command`)."""
