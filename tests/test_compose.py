"""docker-compose.yml consistency. Docker cannot run on the development machines, so instead of
starting the stack this parses the file and checks it against the repo: images or build
contexts, every variable it references, every mounted path, healthchecks, and that the mounted
config/ really loads with the environment compose gives the `vigie` service."""

from __future__ import annotations

import re
import secrets
from pathlib import Path

import pytest
import yaml

from vigie.config.loader import check_config_dir

REPO = Path(__file__).resolve().parents[1]
COMPOSE = yaml.safe_load((REPO / "docker-compose.yml").read_text())
SERVICES = COMPOSE["services"]
VAR_RE = re.compile(r"(?<!\$)\$\{([A-Za-z_][A-Za-z0-9_]*)(?::?[-?][^}]*)?\}")


def env_example() -> dict[str, str]:
    out = {}
    for line in (REPO / ".env.example").read_text().splitlines():
        if line.strip() and not line.lstrip().startswith("#"):
            key, _, value = line.partition("=")
            out[key.strip()] = value.strip()
    return out


def env_filled() -> dict[str, str]:
    """.env.example with every `replace-with-...` placeholder replaced as an operator would (the
    placeholders themselves are refused: tests/test_unsafe_config.py)."""
    real = {"VIGIE_MATCH_KEY": "1:" + secrets.token_hex(32), "VIGIE_DATA_KEY": "1:" + secrets.token_hex(32)}
    return {k: real.get(k, secrets.token_hex(16)) if v.startswith("replace-with") else v
            for k, v in env_example().items()}


def interpolate(value: str, env: dict[str, str]) -> str:
    return VAR_RE.sub(lambda m: env[m.group(1)], value).replace("$$", "$")


def test_the_services_the_deployment_needs() -> None:
    assert {"tor", "elasticsearch", "kibana", "vigie", "vigie-api"} <= set(SERVICES)
    assert SERVICES["vigie"]["command"] == ["run"]


@pytest.mark.parametrize("name", sorted(SERVICES))
def test_every_service_has_an_image_or_a_buildable_context(name: str) -> None:
    svc = SERVICES[name]
    assert ("image" in svc) != ("build" in svc), f"{name}: exactly one of image/build"
    if "build" in svc:
        context = REPO / (svc["build"] if isinstance(svc["build"], str) else svc["build"]["context"])
        dockerfile = context / "Dockerfile"
        assert dockerfile.is_file(), f"{name}: {dockerfile} missing"
        for line in dockerfile.read_text().splitlines():
            if line.startswith("COPY "):
                for src in line.split()[1:-1]:
                    assert (context / src).exists(), f"{name}: COPY source {src} missing in {context}"
    else:
        assert re.match(r"^[\w./-]+:(\$\{\w+\}|[\w.-]+)$", svc["image"]), f"{name}: pin an image tag"


def test_every_variable_is_defined_in_env_example() -> None:
    text = (REPO / "docker-compose.yml").read_text()
    referenced = set(VAR_RE.findall(text))
    missing = referenced - set(env_example())
    assert not missing, f"variables used in docker-compose.yml but absent from .env.example: {missing}"
    assert ".env" in (REPO / ".gitignore").read_text().split()


def test_every_mount_exists_and_config_is_read_only() -> None:
    declared = set(COMPOSE.get("volumes") or {})
    for name, svc in SERVICES.items():
        for mount in svc.get("volumes", []):
            source, target, *mode = mount.split(":")
            if source.startswith((".", "/")):
                assert (REPO / source).exists(), f"{name}: bind source {source} missing"
            else:
                assert source in declared, f"{name}: named volume {source} not declared"
            if source == "./config":
                assert mode == ["ro"], f"{name}: config/ must be mounted read-only"
    assert "./config:/etc/vigie:ro" in SERVICES["vigie"]["volumes"]


@pytest.mark.parametrize("name", ["tor", "elasticsearch", "kibana", "vigie"])
def test_long_running_services_have_healthchecks(name: str) -> None:
    assert SERVICES[name]["healthcheck"]["test"], name
    assert SERVICES[name]["restart"] == "unless-stopped"


def test_elasticsearch_runs_with_security_on_a_single_node() -> None:
    env = SERVICES["elasticsearch"]["environment"]
    assert env["discovery.type"] == "single-node"
    assert env["xpack.security.enabled"] == "true"


def test_mounted_config_loads_with_the_vigie_service_environment() -> None:
    env = {k: interpolate(str(v), env_filled()) for k, v in SERVICES["vigie"]["environment"].items()}
    loaded, problems = check_config_dir(REPO / "config", env=env)
    assert problems == [], "\n".join(map(str, problems))
    assert loaded is not None
    g = loaded.global_config
    assert g.storage.backend == "elasticsearch"
    assert g.storage.elasticsearch.hosts == ["http://elasticsearch:9200"]
    assert g.storage.elasticsearch.username == "elastic"
    assert g.tor.mode == "external" and g.tor.socks_host == "tor"
    assert g.alerts.smtp is not None and g.alerts.smtp.host == env_example()["VIGIE_SMTP_HOST"]
    # the service's data dir and config dir are where the image says
    dockerfile = (REPO / "Dockerfile").read_text()
    assert "VIGIE_CONFIG=/etc/vigie" in dockerfile and "VIGIE_DATA=/var/lib/vigie" in dockerfile
    assert "vigie-data:/var/lib/vigie" in SERVICES["vigie"]["volumes"]


def test_without_compose_the_same_config_defaults_to_embedded() -> None:
    example_secrets = {k: v for k, v in env_filled().items() if k.startswith("EXAMPLE_")}
    loaded, problems = check_config_dir(REPO / "config", env=example_secrets)
    assert problems == []
    assert loaded is not None and loaded.global_config.storage.backend == "embedded"
    assert loaded.global_config.storage.elasticsearch.username is None


# --- the "scale" profile (docs/scale.md, "Deployment") ------------------------------------------

SCALE = {name for name, svc in SERVICES.items() if "scale" in svc.get("profiles", [])}


def test_the_scale_profile_has_the_scaled_out_services() -> None:
    assert {"redis", "postgres", "es01", "es02", "es03", "es-certs", "crawler", "scheduler", "delivery"} <= SCALE
    assert SERVICES["crawler"]["command"] == ["worker"]
    assert SERVICES["scheduler"]["command"] == ["scheduler"] and SERVICES["scheduler"]["deploy"]["replicas"] == 2
    assert SERVICES["delivery"]["command"] == ["alerts", "deliver"]
    # the base stack does not change: no profile on its services
    assert not {"tor", "elasticsearch", "vigie"} & SCALE
    # crawler replicas share nothing per container but what is meant to be shared
    crawler = SERVICES["crawler"]
    assert "container_name" not in crawler and "ports" not in crawler  # --scale crawler=N must work
    assert any(t.startswith("/var/lib/vigie:") for t in crawler["tmpfs"])
    doc = (REPO / "docs" / "scale.md").read_text()
    assert "docker compose --profile scale up" in doc and "--scale crawler=4" in doc


def test_the_three_elasticsearch_nodes_form_one_secured_cluster() -> None:
    nodes = ["es01", "es02", "es03"]
    for name in nodes:
        env = SERVICES[name]["environment"]
        assert env["node.name"] == name
        assert env["discovery.seed_hosts"].split(",") == nodes
        assert env["cluster.initial_master_nodes"].split(",") == nodes
        assert env["xpack.security.enabled"] == "true" and env["xpack.security.transport.ssl.enabled"] == "true"
        assert "discovery.type" not in env
        assert f"{name}-data:/usr/share/elasticsearch/data" in SERVICES[name]["volumes"]
        assert SERVICES[name]["healthcheck"]["test"]
    assert len({tuple(SERVICES[n]["volumes"]) for n in nodes}) == 3  # one data volume each


def test_redis_is_reached_through_a_unix_socket_only() -> None:
    redis = SERVICES["redis"]
    command = " ".join(redis["command"])
    assert "--port 0" in command and "--unixsocket /run/redis/redis.sock" in command
    assert "--appendonly yes" in command and "requirepass" in command
    assert "ports" not in redis


def test_scaled_config_loads_with_the_crawler_environment(tmp_path: Path) -> None:
    import shutil

    config = tmp_path / "config"
    shutil.copytree(REPO / "config", config)
    mounts = SERVICES["crawler"]["volumes"]
    overlay = next(m.split(":")[0] for m in mounts if m.split(":")[1] == "/etc/vigie/vigie.yaml")
    shutil.copy(REPO / overlay, config / "vigie.yaml")  # what the bind mount over the file does
    env = {k: interpolate(str(v), env_filled()) for k, v in SERVICES["crawler"]["environment"].items()}
    loaded, problems = check_config_dir(config, env=env)
    assert problems == [], "\n".join(map(str, problems))
    assert loaded is not None
    g = loaded.global_config
    assert g.storage.backend == "elasticsearch"
    assert g.storage.elasticsearch.hosts == ["http://es01:9200", "http://es02:9200", "http://es03:9200"]
    assert g.alerts.outbox.backend == "postgresql"
    dsn = env["VIGIE_OUTBOX_DSN"]
    assert dsn.startswith("postgresql://vigie:") and dsn.endswith("@postgres:5432/vigie")
    scale = getattr(g, "scale", None)
    assert scale is not None and scale.redis_url == "unix:///run/redis/redis.sock"
