FROM python:3.11-slim

ENV PYTHONDONTWRITEBYTECODE=1 PYTHONUNBUFFERED=1 PIP_NO_CACHE_DIR=1 \
    LEAKDESK_ENV=production LEAKDESK_LOG_FORMAT=json

RUN useradd --create-home --uid 10001 leakdesk
WORKDIR /srv/leakdesk
COPY pyproject.toml README.md ./
COPY app ./app
COPY migrations ./migrations
RUN pip install .

USER leakdesk
EXPOSE 8000
HEALTHCHECK --interval=30s --timeout=3s CMD python -c "import urllib.request,sys; sys.exit(urllib.request.urlopen('http://127.0.0.1:8000/healthz').status != 200)"
CMD ["sh", "-c", "leakdesk migrate && exec leakdesk serve --host 0.0.0.0 --port 8000"]
