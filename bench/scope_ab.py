"""A/B of the whole-tree scope shortcut (core.scoping.covers_whole_tree) for the district user:
`python -m bench.scope_ab /orgs/enterprises/ /api/v1/transfers …` on the PostgreSQL dataset that
`python -m bench.run --engine postgresql` generates (database gonghui_bench). Each URL is asked
20 times with the shortcut off and on, interleaved, in one process, so machine drift hits both
alike; prints p50 / p95 in ms of each. docs/performance.md ("Third pass") holds a run."""

import os
import sys
import time

CALLS = 20


def main(urls):
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "bench.settings")
    os.environ.setdefault("DATABASE_URL", "postgres://postgres@127.0.0.1:5432/gonghui_bench")
    import django

    django.setup()
    from django.test import Client

    from bench.pages import _token
    from gonghui.accounts.models import User
    from gonghui.core import scoping

    real = scoping.covers_whole_tree
    variants = {"off": lambda paths: False, "on": real}
    user = User.objects.get(username="district")
    client = Client()
    client.force_login(user)
    bearer = {"HTTP_AUTHORIZATION": f"Bearer {_token(user)}"}
    try:
        for url in urls:
            headers = bearer if url.startswith("/api/") else {}
            times = {label: [] for label in variants}
            for call in range(CALLS + 3):  # three unrecorded warm-up rounds
                for label, covers in variants.items():
                    scoping.covers_whole_tree = covers
                    start = time.perf_counter()
                    response = client.get(url, **headers)
                    if response.status_code != 200:
                        raise SystemExit(f"{url} answered {response.status_code}")
                    if call >= 3:
                        times[label].append(time.perf_counter() - start)
            cells = []
            for label, measured in times.items():
                measured.sort()
                p50, p95 = measured[CALLS // 2] * 1000, measured[int(CALLS * 0.95) - 1] * 1000
                cells.append(f"{label} {p50:5.1f} / {p95:5.1f}")
            print(f"{url:42s} " + "   ".join(cells))
    finally:
        scoping.covers_whole_tree = real


if __name__ == "__main__":
    main(sys.argv[1:] or ["/orgs/enterprises/", "/api/v1/transfers"])
