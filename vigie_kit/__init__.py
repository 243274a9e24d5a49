"""Vigie's demo and test kit: everything needed to run Vigie end to end on one machine, and
nothing the product needs. Installed with the `demo` extra (`pip install 'vigie[demo]'`, which
brings faker and aiosmtpd); scripts/setup.sh installs `.[test,demo]`.

The product packages (crawler, indexer, alerts, vigie) never import it (import-linter checks
that); only `vigie demo` does, lazily, and the tests and benchmarks. All data is synthetic.

- `vigie_kit.tornet.PrivateTorNetwork`: a private Tor network on 127.0.0.1 (7 tor processes)
  that refuses to start outside a loopback-only network namespace; torrc templates in `torrc`.
- `vigie_kit.forum.ForumServer`: a real HTTP test forum (phpBB-like or XenForo-like markup) with
  a paste site, login + CSRF, attachments, an archive bomb, hostile pages, fault injection and
  its ground truth (`truth()`); `python -m vigie_kit.forum --port 0 --data DIR` serves one.
- `vigie_kit.synthetic.Synth`: Faker (fr_FR) dumps (patients, combo lists, SQL, doxes) that
  report the identifiers they planted.
- `vigie_kit.sinks`: a real SMTP server (aiosmtpd) and a webhook receiver that verifies
  signatures and deduplicates on the idempotency key, both on 127.0.0.1.
- `vigie_kit.tor_fetch`: a Scrapy fetch of a URL list in its own process, for tests and benches.
- `vigie_kit.run` and `vigie_kit.demo_config`: `vigie demo`, and the config it runs with.
"""
