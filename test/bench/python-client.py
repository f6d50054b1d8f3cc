"""
Streams the catalog of a FakeKoordinates with the Python reference client
(koordinates/python-client, from the checkout named by KOORDINATES_PYTHON_CLIENT), for
`npm run bench`: `python3 python-client.py ORIGIN TOKEN PAGE_SIZE ROUNDS`. Prints one line
per round: the items read and the milliseconds the iteration took (after one warm-up).

The client is used as published; only its session is configured: the fake speaks plain HTTP
on loopback while the client always builds `https://` URLs, so a transport adapter sends
them over `http://`, and the client's version lookup (which needs an installed package) is
given the checkout's version.
"""
import os
import sys
import time

sys.path.insert(0, os.environ["KOORDINATES_PYTHON_CLIENT"])

import requests.adapters  # noqa: E402
import koordinates.client  # noqa: E402

origin, token, page_size, rounds = sys.argv[1], sys.argv[2], int(sys.argv[3]), int(sys.argv[4])
host = origin.removeprefix("http://")


class PlainHttp(requests.adapters.HTTPAdapter):
    """Sends the client's `https://HOST` requests to the fake's `http://HOST`."""

    def send(self, request, **kwargs):
        request.url = "http://" + request.url.removeprefix("https://")
        return super().send(request, **kwargs)


koordinates.client._version = lambda _name: "reference"
client = koordinates.Client(host=host, token=token)
client._session.mount(f"https://{host}/", PlainHttp())


def stream():
    count = 0
    for _item in client.catalog.list().extra(page_size=page_size):
        count += 1
    return count


stream()
for _ in range(rounds):
    start = time.perf_counter()
    items = stream()
    print(items, (time.perf_counter() - start) * 1000, flush=True)
