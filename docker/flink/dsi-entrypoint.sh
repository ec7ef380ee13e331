#!/usr/bin/env bash
# Copies the mounted Flink configuration (read-only in compose) into conf/, where the image's own entrypoint may
# still add to it (jobmanager.rpc.address, FLINK_PROPERTIES), then hands over to that entrypoint.
# `submit ARGS...` runs `dsi cluster submit ARGS...` instead (the compose submitter).
set -euo pipefail
if [ -f /opt/dsi/conf/config.yaml ]; then
  cp /opt/dsi/conf/config.yaml "$FLINK_HOME/conf/config.yaml"
fi
if [ "${1:-}" = "submit" ]; then
  shift
  exec java -Dai.djl.offline=true -DOPT_OUT_TRACKING=true -DDJL_CACHE_DIR="$DJL_CACHE_DIR" \
    -cp "/opt/dsi/dsi.jar:/opt/dsi/lib/*:$FLINK_HOME/lib/*" io.dsistream.pipelines.cli.DsiCommand \
    cluster submit "$@"
fi
exec /docker-entrypoint.sh "$@"
