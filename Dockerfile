FROM python:3.11-slim

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1 \
    PIP_NO_CACHE_DIR=1

WORKDIR /app

# The locked dependencies first, so this layer survives changes to the code.
COPY requirements/runtime.txt requirements/runtime.txt
RUN pip install --no-deps -r requirements/runtime.txt

COPY pyproject.toml README.md ./
COPY src ./src
RUN pip install --no-deps . \
    && rm -rf src

# python-hcl2 compiles its Lark grammar on first use and caches it next to its module
# (hcl2/.lark_cache.bin in site-packages); build it once here, not in every run.
RUN python -c "import hcl2; hcl2.parses_to_tree('terraform {}')" \
    && python -c "import hcl2.parser as p, sys; sys.exit(0 if p.PARSER_FILE.stat().st_size else 1)"

COPY entrypoint.py /app/entrypoint.py

# No USER: container actions run as root, and another user could not read the workspace mount.
ENTRYPOINT ["python", "/app/entrypoint.py"]
