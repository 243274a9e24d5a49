# The Vigie image used by docker-compose.yml (services `vigie` and `vigie-api`).
FROM python:3.11-slim-bookworm
# /var/lib/vigie holds tokens, ciphertext, the registry and the audit log: owned by vigie, 0700
# (a named volume mounted there takes this owner and mode when it is first created).
RUN useradd --create-home --uid 10001 vigie \
 && mkdir -p /var/lib/vigie && chown vigie:vigie /var/lib/vigie && chmod 0700 /var/lib/vigie
WORKDIR /opt/vigie
COPY pyproject.toml README.md ./
COPY vigie ./vigie
COPY crawler ./crawler
COPY indexer ./indexer
COPY alerts ./alerts
COPY config ./config
# tor: each `vigie worker` (compose profile "scale") launches its own Tor client; libarchive13:
# RAR attachments are read by libarchive in a process of their own (crawler._rar_worker)
RUN apt-get update && apt-get install -y --no-install-recommends tor libarchive13 && rm -rf /var/lib/apt/lists/*
RUN pip install --no-cache-dir ".[scale]"
USER vigie
ENV VIGIE_CONFIG=/etc/vigie VIGIE_DATA=/var/lib/vigie VIGIE_LOG_JSON=1
ENTRYPOINT ["vigie"]
CMD ["run"]
