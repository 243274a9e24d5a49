"""Demo and test material that ships with Vigie (synthetic data only).

- `vigie_kit.forum.ForumServer`: a real HTTP test forum (phpBB-like or XenForo-like markup) with
  a paste site, login + CSRF, attachments, an archive bomb, hostile pages, fault injection and
  its ground truth (`truth()`); `python -m vigie_kit.forum --port 0 --data DIR` serves one.
- `vigie_kit.synthetic.Synth`: Faker (fr_FR) dumps (patients, combo lists, SQL, doxes) that
  report the identifiers they planted.
"""
