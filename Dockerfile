# L'image de tno-bot : non-root, le répertoire de données /data en volume, la configuration en lecture seule dans
# /etc/tno-bot (l'exemple par défaut : montez la vôtre). `docker build -t tno-bot .` puis deploy/compose.yaml.
FROM python:3.11-slim AS build
WORKDIR /src
COPY pyproject.toml README.md LICENSE ./
COPY tno_bot ./tno_bot
RUN python -m venv /opt/tno-bot \
    && /opt/tno-bot/bin/pip install --no-cache-dir --disable-pip-version-check ".[postgres]"

FROM python:3.11-slim
RUN useradd --system --uid 10001 --user-group --home-dir /data --shell /usr/sbin/nologin tno-bot \
    && install -d -m 0700 -o tno-bot -g tno-bot /data
COPY --from=build /opt/tno-bot /opt/tno-bot
COPY config /etc/tno-bot
ENV PATH=/opt/tno-bot/bin:$PATH \
    PYTHONUNBUFFERED=1 \
    TNO_DATA_DIR=/data \
    TNO_CONFIG=/etc/tno-bot/tno.example.toml \
    TNO_HEALTH_PORT=9464
USER tno-bot
WORKDIR /data
VOLUME ["/data"]
# /health depuis l'intérieur du conteneur (127.0.0.1) ; pour Prometheus ailleurs, TNO_HEALTH_HOST=0.0.0.0.
HEALTHCHECK --interval=30s --timeout=5s --start-period=60s \
    CMD ["python", "-c", "import urllib.request; urllib.request.urlopen('http://127.0.0.1:9464/health', timeout=4)"]
STOPSIGNAL SIGTERM
ENTRYPOINT ["tno-bot"]
CMD ["run"]
