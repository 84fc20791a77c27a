"""The privacy notice's pages and a person's own data (download, deletion)."""

from portal.privacy import bp  # noqa: F401
