"""The cluster test runs only as scripts/test's own step, which gives it a PostgreSQL database
and a Redis of its own (CLUSTER_DATABASE_URL, CLUSTER_REDIS_URL) and nginx; in the two halves of
the suite it is skipped, with that reason."""

import os

import pytest


def pytest_collection_modifyitems(config, items):
    if os.environ.get("CLUSTER_DATABASE_URL") and os.environ.get("CLUSTER_REDIS_URL"):
        return
    skip = pytest.mark.skip(reason="the cluster test runs as scripts/test's own step "
                                   "(it needs CLUSTER_DATABASE_URL, CLUSTER_REDIS_URL and nginx)")
    for item in items:
        if item.get_closest_marker("cluster"):
            item.add_marker(skip)
