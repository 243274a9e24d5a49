"""Retro-hunt through both store backends' token index (`iter_by_tokens`): the embedded SQLite
store and a real Elasticsearch node. Past fragments alert once; unrelated ones never."""

from __future__ import annotations

import pytest

from alerts.registry import Registry
from alerts.retrohunt import retro_hunt
from indexer.store import open_store_from_settings
from tests.fixtures.mail import AlertsEnv, make_fragment
from tests.test_alerts_delivery import OTHERS, OURS
from vigie.config.schema import StorageSettings
from vigie.wiring import build_matcher, registry_dir


def _hunt(env: AlertsEnv, settings: StorageSettings) -> None:
    rt = env.runtime()
    store = open_store_from_settings(settings, env.data)
    try:
        past = [make_fragment(rt.match_key, OURS[:i + 1] + OTHERS, n=i) for i in range(3)]
        unrelated = [make_fragment(rt.match_key, OTHERS, n=10 + i) for i in range(5)]
        store.upsert(past + unrelated)
        store.flush()
        matcher = build_matcher(rt.config, env.data)
        pre = env.root / "pre.csv"
        reg = Registry(registry_dir(env.data))
        from indexer.identifiers import canonical_forms
        from indexer.tokens import prehash

        pre.write_text("type,prehash\n" + "".join(
            f"{t},{prehash(t, canonical_forms(t, raw)[0]).hex()}\n" for t, raw in OURS))
        res = reg.register_prehash_file(env.org, pre, rt.match_key)
        ours_hex = list(res.iter_new_hex())
        assert len(ours_hex) == 3
        assert retro_hunt(store, matcher, env.org, ours_hex) == (3, 3)
        alerts = {a["fragment_id"]: a["alert"] for a in matcher.outbox.list_alerts()}
        assert set(alerts) == {d.id for d in past}
        assert sorted(a["matched_total"] for a in alerts.values()) == [1, 2, 3]
        assert {a["origin"] for a in alerts.values()} == {"retrohunt"}
        # registering again finds nothing new; hunting again alerts nothing new
        again = reg.register_prehash_file(env.org, pre, rt.match_key)
        assert again.added_total == 0
        assert retro_hunt(store, matcher, env.org, ours_hex) == (3, 0)
        # live matching of the same fragments afterwards: still one alert each
        assert matcher.on_fragments(past) == 0
    finally:
        store.close()


def test_retro_hunt_embedded(alerts_env: AlertsEnv) -> None:
    _hunt(alerts_env, StorageSettings(backend="embedded"))


@pytest.mark.elasticsearch
@pytest.mark.slow
def test_retro_hunt_elasticsearch(alerts_env: AlertsEnv, es_settings) -> None:
    _hunt(alerts_env, StorageSettings(backend="elasticsearch", elasticsearch=es_settings))
