"""Two requests at the same moment, each in a real transaction of its own.

SQLite runs two writing requests one after the other (a POST takes the write lock first), so the
second sees what the first wrote; PostgreSQL runs them side by side, so both read the same state
before either writes, and the second meets the first's row only when it writes.
"""

import threading

from tests.conftest import PASSWORD, csrf_token_from


def signed_in_client(app, user):
    """A client of its own (its own cookies), signed in as `user`."""
    client = app.test_client()
    token = csrf_token_from(client.get("/login").get_data(as_text=True))
    client.post("/login", data={"email": user.email, "password": PASSWORD, "csrf_token": token})
    return client


def post_at_once(monkeypatch, module, name: str, posts):
    """POST each (client, url, data) in its own thread, with `module.name` (the service the view
    calls once it has read the current state) held until every request has reached it.

    On SQLite the second request is still waiting for the write lock, so the first goes on alone
    after a short wait. Returns the responses in the order given.
    """
    barrier = threading.Barrier(len(posts))
    service = getattr(module, name)

    def together(*args, **kwargs):
        try:
            barrier.wait(timeout=1)
        except threading.BrokenBarrierError:
            pass
        return service(*args, **kwargs)

    monkeypatch.setattr(module, name, together)
    ready = []
    for client, url, data in posts:
        token = csrf_token_from(client.get(url).get_data(as_text=True))
        ready.append((client, url, {**data, "csrf_token": token}))
    responses = [None] * len(posts)

    def post(i, client, url, data):
        responses[i] = client.post(url, data=data)

    threads = [threading.Thread(target=post, args=(i, *request)) for i, request in enumerate(ready)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    monkeypatch.setattr(module, name, service)
    return responses
