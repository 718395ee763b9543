"""What the tests and the benchmarks share to run the real parts: processes (gunicorn, Celery,
a private PostgreSQL or Redis) and the slowed e-mail backend their workers write through.

Neither a test module nor part of the product: `tests/` and `bench/` both import from here and
never from each other; nothing in `apps/` or `tandem/` does.
"""
