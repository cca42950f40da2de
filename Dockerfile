FROM python:3.11-slim
WORKDIR /app
COPY pyproject.toml README.md ./
COPY schemas schemas
COPY servicekit servicekit
COPY devstack devstack
COPY meeting_svc meeting_svc
COPY resolution_svc resolution_svc
COPY notifier notifier
RUN pip install --no-cache-dir .
