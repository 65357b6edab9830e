FROM python:3.11-slim

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1 \
    PIP_NO_CACHE_DIR=1

WORKDIR /app

# scripts/install.sh is the one install recipe: the tests run it too, in a fresh virtualenv.
COPY scripts/install.sh scripts/install.sh

# The locked dependencies first, so this layer survives changes to the code.
COPY requirements/runtime.txt requirements/runtime.txt
RUN sh scripts/install.sh dependencies

# The package, and python-hcl2's grammar cache warmed at build time, not in every run.
COPY pyproject.toml README.md ./
COPY src ./src
RUN sh scripts/install.sh package \
    && rm -rf src build

COPY entrypoint.py /app/entrypoint.py

# No USER: container actions run as root, and another user could not read the workspace mount.
ENTRYPOINT ["python", "/app/entrypoint.py"]
