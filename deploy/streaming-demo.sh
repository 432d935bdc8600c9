#!/usr/bin/env bash
# Streaming demo (level 3): a KRaft broker and a Flink session cluster from Maven jars, the churn
# example produced to Kafka, scored by StreamScoreJob on the cluster, a few predictions tailed.
# Everything binds 127.0.0.1; stop it all with deploy/stop-all.sh (printed at the end).
#
# Env: LOCKSTEP_RUN_DIR (default <repo>/deploy/run), KAFKA_PORT, FLINK_REST_PORT (see deploy/README.md),
#      DEMO_INPUT_FORMAT (avro|avro-single|json, default avro), DEMO_DELIVERY (default at-least-once),
#      KAFKA_SECURITY (plaintext|sasl_ssl, default plaintext: with sasl_ssl the broker speaks SASL_SSL and
#      every client here gets --kafka-config <run>/kafka/client.properties).
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
log() { echo "[streaming-demo] $*" >&2; }

FORMAT="${DEMO_INPUT_FORMAT:-avro}"
DELIVERY="${DEMO_DELIVERY:-at-least-once}"
BUNDLE="examples/churn/bundle"
INPUT="examples/churn/events.csv"
STREAM_JAR="jobs-streaming/target/lockstep-jobs-streaming.jar"
IN="churn-events"; OUT="churn-predictions"; DLQ="$OUT.dlq"

if [[ ! -f "$STREAM_JAR" || ! -f jobs-batch/target/lockstep-jobs-batch.jar ]]; then
  log "building the jars (mvn -q -DskipTests package; minutes the first time)"
  mvn -q -B -DskipTests package >&2
fi

log "starting the Kafka broker (${KAFKA_SECURITY:-plaintext})"
BOOTSTRAP="$(deploy/kafka/start-broker.sh | tail -n 1)"
RUN_DIR="${LOCKSTEP_RUN_DIR:-$ROOT/deploy/run}"
CFG="$(cd "$RUN_DIR/kafka" && pwd)/client.properties"
KAFKA=(--kafka-config "$CFG")
log "starting the Flink session cluster"
FLINK_URL="$(deploy/flink/start-cluster.sh | tail -n 1)"

log "creating topics $IN, $OUT, $DLQ on $BOOTSTRAP"
java -Dorg.slf4j.simpleLogger.defaultLogLevel=warn -cp "$STREAM_JAR" io.lockstep.streaming.kafka.CreateTopics "${KAFKA[@]}" "$BOOTSTRAP" 2 "$IN" "$OUT" "$DLQ" >&2

log "producing $INPUT as $FORMAT (rows that do not decode are reported and not sent)"
bin/lockstep produce --bootstrap "$BOOTSTRAP" --topic "$IN" --bundle "$BUNDLE" --input "$INPUT" --input-format "$FORMAT" "${KAFKA[@]}" >&2 || true

log "submitting StreamScoreJob to $FLINK_URL"
deploy/bin/flink run -d "$STREAM_JAR" --bundle "$ROOT/$BUNDLE" --bootstrap "$BOOTSTRAP" \
  --input-topic "$IN" --output-topic "$OUT" --input-format "$FORMAT" --delivery "$DELIVERY" \
  --starting-offsets earliest --job-name lockstep-streaming-demo "${KAFKA[@]}" >&2

log "first predictions on $OUT:"
bin/lockstep tail --bootstrap "$BOOTSTRAP" --topic "$OUT" --from-beginning --max 5 --idle 60 --bundle "$BUNDLE" "${KAFKA[@]}"
log "dead letters on $DLQ:"
bin/lockstep tail --bootstrap "$BOOTSTRAP" --topic "$DLQ" --from-beginning --max 3 --idle 10 "${KAFKA[@]}"

cat >&2 <<MSG
[streaming-demo] the job keeps running: produce more with
    bin/lockstep produce --bootstrap $BOOTSTRAP --topic $IN --bundle $BUNDLE --input $INPUT --input-format $FORMAT --kafka-config $CFG
  follow it with
    bin/lockstep tail --bootstrap $BOOTSTRAP --topic $OUT --kafka-config $CFG      # schema read from $OUT.schema
  list / cancel it with
    deploy/bin/flink list ; deploy/bin/flink cancel <job id>
  stop everything this demo started (Flink cluster, Kafka broker; PID files under deploy/run) with
    deploy/stop-all.sh
MSG
