"""Scripts run INSIDE a real forum engine's own venv (.cache/engines/<name>/), never imported here.

Each `<engine>_site.py` is a standalone program for `vigie_kit.real_engines`: it reads a JSON
site description on stdin, writes the posts with the engine's own ORM, and prints the truth
(ids, URLs and dates as the engine stored them) as JSON on stdout.
"""
