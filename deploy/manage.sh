#!/usr/bin/env bash
# Run a management command as the service user with the production environment:
#   sudo /srv/sifasuo/app/deploy/manage.sh migrate
set -euo pipefail
APP=/srv/sifasuo/app
ENV_FILE=${SIFASUO_ENV_FILE:-/etc/sifasuo/sifasuo.env}
cd "$APP"
if [[ "$(id -un)" != sifasuo ]]; then
    exec sudo -u sifasuo -- "$0" "$@"
fi
set -a
# shellcheck disable=SC1090
. "$ENV_FILE"
set +a
exec "$APP/.venv/bin/python" manage.py "$@"
