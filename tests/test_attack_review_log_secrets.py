"""Attacker's review: config secrets the log masking did not know about.

`register_config_secrets` is the logs' safety net: every secret of the configuration is masked
in every line, whatever logs it. It listed the secrets by hand and missed two: `scale.redis_password`
and the operators' webhook (`alerts.operators.webhook`: its signing secret, and its URL, whose path
or query often holds the receiver's token). The real CLI logs the config's values here through
the same sink a crawl or the service uses (`vigie --log-level DEBUG`), and the line is read back.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
REDIS_PASSWORD = "redis-Synthetic-pw-5521"
OPS_SECRET = "0b7d1c93f25e4a68b0c3d9e1f7a25c4d"
OPS_URL = "https://ops.example.net/hooks/T0kenInPath77?key=QueryTok3n99"

# a child that loads the config as every command does, then logs each value as a library might
_CHILD = """
import sys
from loguru import logger
from vigie.log import setup_logging
from vigie.runtime import Runtime
setup_logging("DEBUG")
rt = Runtime(config_dir=__import__("pathlib").Path(sys.argv[1]), data_dir=__import__("pathlib").Path(sys.argv[2]))
cfg = rt.config.global_config
logger.error("redis said: AUTH {} failed", cfg.scale.redis_password.get_secret_value())
logger.error("operator webhook {} with secret {} failed", cfg.alerts.operators.webhook.url,
             cfg.alerts.operators.webhook.secret.get_secret_value())
"""


def test_every_secret_of_the_config_is_masked_in_logs(tmp_path: Path) -> None:
    cfg = tmp_path / "config"
    cfg.mkdir()
    (cfg / "vigie.yaml").write_text(json.dumps({
        "scale": {"redis_url": "redis://127.0.0.1:6390/0", "redis_password": "${TEST_REDIS_PW}"},
        "alerts": {"operators": {"webhook": {"url": OPS_URL, "secret": "${TEST_OPS_SECRET}"}}},
    }))
    proc = subprocess.run([sys.executable, "-c", _CHILD, str(cfg), str(tmp_path / "data")], cwd=ROOT,
                          capture_output=True, text=True, timeout=120,
                          env={**os.environ, "TEST_REDIS_PW": REDIS_PASSWORD, "TEST_OPS_SECRET": OPS_SECRET})
    assert proc.returncode == 0, proc.stderr
    log = proc.stderr
    assert "redis said: AUTH *** failed" in log
    assert "operator webhook https://ops.example.net/… with secret *** failed" in log
    for secret in (REDIS_PASSWORD, OPS_SECRET, "T0kenInPath77", "QueryTok3n99"):
        assert secret not in log
