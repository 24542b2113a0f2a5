from oversight.store.testing import database_url

__all__ = ["database_url"]
