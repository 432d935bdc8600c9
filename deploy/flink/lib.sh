# Flink helpers shared by deploy/flink/*.sh and deploy/bin/flink. Sourced after ../lib/common.sh.
#
# flink-dist is not on Maven Central, so the cluster runs from the jars of deploy/flink/pom.xml
# with a generated configuration directory, <run>/flink/conf (config.yaml, log4j*.properties).

FLINK_DIR="$LOCKSTEP_RUN_DIR/flink"
FLINK_DEPLOY_CONF="$FLINK_DIR/conf"
FLINK_LOGDIR="$FLINK_DIR/logs"
FLINK_CLASSPATH_FILE="$LOCKSTEP_RUN_DIR/classpath/flink.classpath"
FLINK_ARGFILE="$FLINK_DIR/classpath.args"
# The cluster's lib/ (flink-dist's lib/): on every Flink JVM's classpath, after the Maven jars.
FLINK_LIB="$FLINK_DIR/lib"

# What flink-dist's config.yaml passes to every Flink JVM on Java 17 (env.java.opts.all).
FLINK_JAVA17_OPTS=(
  --add-exports=java.base/sun.net.util=ALL-UNNAMED --add-exports=java.rmi/sun.rmi.registry=ALL-UNNAMED
  --add-exports=jdk.compiler/com.sun.tools.javac.api=ALL-UNNAMED --add-exports=jdk.compiler/com.sun.tools.javac.file=ALL-UNNAMED
  --add-exports=jdk.compiler/com.sun.tools.javac.parser=ALL-UNNAMED --add-exports=jdk.compiler/com.sun.tools.javac.tree=ALL-UNNAMED
  --add-exports=jdk.compiler/com.sun.tools.javac.util=ALL-UNNAMED --add-exports=java.security.jgss/sun.security.krb5=ALL-UNNAMED
  --add-opens=java.base/java.lang=ALL-UNNAMED --add-opens=java.base/java.net=ALL-UNNAMED --add-opens=java.base/java.io=ALL-UNNAMED
  --add-opens=java.base/java.nio=ALL-UNNAMED --add-opens=java.base/sun.nio.ch=ALL-UNNAMED --add-opens=java.base/java.lang.reflect=ALL-UNNAMED
  --add-opens=java.base/java.text=ALL-UNNAMED --add-opens=java.base/java.time=ALL-UNNAMED --add-opens=java.base/java.util=ALL-UNNAMED
  --add-opens=java.base/java.util.concurrent=ALL-UNNAMED --add-opens=java.base/java.util.concurrent.atomic=ALL-UNNAMED
  --add-opens=java.base/java.util.concurrent.locks=ALL-UNNAMED
)

flink_prepare_classpath() {
  resolve_classpath "$LOCKSTEP_ROOT/deploy/flink/pom.xml" "$FLINK_CLASSPATH_FILE"
  mkdir -p "$FLINK_DIR"
  flink_install_lib
  write_cp_argfile "$FLINK_DIR/cluster.classpath" "$FLINK_ARGFILE"
  export FLINK_CONF_DIR="$FLINK_DEPLOY_CONF"
  # Flink plugins (e.g. flink-s3-fs-hadoop, each in its own subfolder) go here.
  mkdir -p "$FLINK_DIR/plugins"
  export FLINK_PLUGINS_DIR="${FLINK_PLUGINS_DIR:-$FLINK_DIR/plugins}"
}

# flink_install_lib: installs the ONNX Runtime jar of deploy/flink/pom.xml in the cluster's lib/ and
# writes <run>/flink/cluster.classpath (the Maven jars without it, then lib/*). Jobs load ai.onnxruntime
# parent-first from there (see flink_write_conf): ORT's native library can be loaded once per JVM only,
# so with each job loading its own copy the second submission to a TaskManager failed.
flink_install_lib() {
  local ort
  ort="$(tr ':' '\n' <"$FLINK_CLASSPATH_FILE" | grep -E '/onnxruntime-[0-9][^/]*\.jar$' | head -n 1)"
  [[ -n "$ort" && -f "$ort" ]] || die "no onnxruntime jar in the classpath of deploy/flink/pom.xml"
  mkdir -p "$FLINK_LIB"
  if [[ ! -f "$FLINK_LIB/$(basename "$ort")" ]]; then
    find "$FLINK_LIB" -maxdepth 1 -name 'onnxruntime-*.jar' -delete
    cp "$ort" "$FLINK_LIB/"
    log "installed $(basename "$ort") in the cluster's lib/ ($FLINK_LIB)"
  fi
  local cp
  cp="$(tr ':' '\n' <"$FLINK_CLASSPATH_FILE" | grep -vE '/onnxruntime-[0-9][^/]*\.jar$' | paste -sd: -)"
  if [[ ! -f "$FLINK_DIR/cluster.classpath" || "$(cat "$FLINK_DIR/cluster.classpath")" != "$cp:$FLINK_LIB/*" ]]; then
    printf '%s' "$cp:$FLINK_LIB/*" >"$FLINK_DIR/cluster.classpath"
  fi
}

# The reporter that serves /metrics for Prometheus on 127.0.0.1 (metrics.reporter.prom.*), a Flink plugin
# built by the reactor (jobs-streaming/target/lockstep-prometheus-plugin.jar): Flink's own PrometheusReporter
# binds every interface and has no host option.
FLINK_PROMETHEUS_PLUGIN_JAR="$LOCKSTEP_ROOT/jobs-streaming/target/lockstep-prometheus-plugin.jar"
FLINK_PROMETHEUS_FACTORY=io.lockstep.streaming.metrics.LoopbackPrometheusReporterFactory

# flink_install_prometheus_plugin: copies the plugin jar into <plugins>/lockstep-prometheus/ (again when
# the build changed it), or dies saying how to build it.
flink_install_prometheus_plugin() {
  [[ -f "$FLINK_PROMETHEUS_PLUGIN_JAR" ]] || die "no $FLINK_PROMETHEUS_PLUGIN_JAR (the Prometheus reporter plugin): \
build it with 'mvn -B -DskipTests package', or start without Prometheus: FLINK_PROMETHEUS=off"
  local dir="$FLINK_PLUGINS_DIR/lockstep-prometheus"
  mkdir -p "$dir"
  if ! cmp -s "$FLINK_PROMETHEUS_PLUGIN_JAR" "$dir/lockstep-prometheus-plugin.jar"; then
    cp "$FLINK_PROMETHEUS_PLUGIN_JAR" "$dir/lockstep-prometheus-plugin.jar"
    log "installed the Prometheus reporter plugin in $dir"
  fi
}

# flink_write_conf REST_PORT RPC_PORT SLOTS JM_SIZE TM_SIZE [PROM_PORT]: (re)writes <run>/flink/conf; with
# PROM_PORT, the Prometheus reporter on 127.0.0.1:PROM_PORT (each process may override the port with -D).
flink_write_conf() {
  local rest_port="$1" rpc_port="$2" slots="$3" jm_size="$4" tm_size="$5" prom_port="${6:-}"
  mkdir -p "$FLINK_DEPLOY_CONF" "$FLINK_LOGDIR" "$FLINK_DIR/tmp" "$FLINK_DIR/checkpoints" "$FLINK_DIR/savepoints"
  local opts="${FLINK_JAVA17_OPTS[*]}"
  cat >"$FLINK_DEPLOY_CONF/config.yaml" <<EOF
# Generated by deploy/flink/start-cluster.sh (rewritten at each start). Everything binds 127.0.0.1.
env:
  java:
    opts:
      all: $opts
jobmanager:
  bind-host: 127.0.0.1
  rpc:
    address: 127.0.0.1
    port: $rpc_port
  memory:
    process:
      size: $jm_size
  execution:
    failover-strategy: region
taskmanager:
  bind-host: 127.0.0.1
  host: 127.0.0.1
  numberOfTaskSlots: $slots
  memory:
    process:
      size: $tm_size
parallelism:
  default: 1
rest:
  address: 127.0.0.1
  bind-address: 127.0.0.1
  port: $rest_port
blob:
  server:
    port: "0"
io:
  tmp:
    dirs: $FLINK_DIR/tmp
web:
  tmpdir: $FLINK_DIR/tmp
execution:
  checkpointing:
    dir: file://$FLINK_DIR/checkpoints
    savepoint-dir: file://$FLINK_DIR/savepoints
classloader:
  parent-first-patterns:
    # ONNX Runtime from the cluster's lib/ (flink_install_lib): one native library per JVM, shared by
    # every job and every redeploy; the copy inside a job's jar is not used.
    additional: ai.onnxruntime
EOF
  if [[ -n "$prom_port" ]]; then
    cat >>"$FLINK_DEPLOY_CONF/config.yaml" <<EOF
metrics:
  reporter:
    prom:
      # /metrics on 127.0.0.1 only (plugins/lockstep-prometheus); the JobManager and the TaskManager each
      # get their own port with -D metrics.reporter.prom.port=... (deploy/flink/start-cluster.sh)
      factory:
        class: $FLINK_PROMETHEUS_FACTORY
      port: "$prom_port"
EOF
  fi
  cat >"$FLINK_DEPLOY_CONF/log4j.properties" <<'EOF'
# Generated by deploy/flink: JobManager and TaskManager log to ${sys:log.file}.
monitorInterval = 30
rootLogger.level = INFO
rootLogger.appenderRef.file.ref = MainAppender
logger.pekko.name = org.apache.pekko
logger.pekko.level = INFO
logger.kafka.name = org.apache.kafka
logger.kafka.level = INFO
logger.netty.name = org.jboss.netty.channel.DefaultChannelPipeline
logger.netty.level = OFF
appender.main.name = MainAppender
appender.main.type = RollingFile
appender.main.append = true
appender.main.fileName = ${sys:log.file}
appender.main.filePattern = ${sys:log.file}.%i
appender.main.layout.type = PatternLayout
appender.main.layout.pattern = %d{yyyy-MM-dd HH:mm:ss,SSS} %-5level %-60c %x - %m%n
appender.main.policies.type = Policies
appender.main.policies.size.type = SizeBasedTriggeringPolicy
appender.main.policies.size.size = 100MB
appender.main.policies.startup.type = OnStartupTriggeringPolicy
appender.main.strategy.type = DefaultRolloverStrategy
appender.main.strategy.max = 5
EOF
  cat >"$FLINK_DEPLOY_CONF/log4j-cli.properties" <<'EOF'
# Generated by deploy/flink: the CLI (deploy/bin/flink) logs to ${sys:log.file}; results go to stdout.
rootLogger.level = INFO
rootLogger.appenderRef.file.ref = FileAppender
appender.file.name = FileAppender
appender.file.type = FILE
appender.file.append = false
appender.file.fileName = ${sys:log.file}
appender.file.layout.type = PatternLayout
appender.file.layout.pattern = %d{yyyy-MM-dd HH:mm:ss,SSS} %-5level %-60c %x - %m%n
EOF
}

# flink_resource_params GET_JM_RESOURCE_PARAMS|GET_TM_RESOURCE_PARAMS: runs Flink's BashJavaUtils (as
# flink-dist's jobmanager.sh/taskmanager.sh do) into FLINK_JVM_PARAMS and FLINK_DYNAMIC_CONFIGS arrays.
flink_resource_params() {
  local out lines
  out="$("$JAVA" -Xmx128m -XX:TieredStopAtLevel=1 -Dlog4j2.level=WARN "@$FLINK_ARGFILE" \
    org.apache.flink.runtime.util.bash.BashJavaUtils "$1" --configDir "$FLINK_DEPLOY_CONF" 2>&1)" ||
    { echo "$out" | tail -n 20 >&2; die "Flink's BashJavaUtils $1 failed"; }
  lines="$(echo "$out" | grep '^BASH_JAVA_UTILS_EXEC_RESULT:' | sed 's/^BASH_JAVA_UTILS_EXEC_RESULT://')"
  [[ "$(echo "$lines" | wc -l)" -ge 2 ]] || { echo "$out" | tail -n 20 >&2; die "unexpected BashJavaUtils output"; }
  read -r -a FLINK_JVM_PARAMS <<<"$(echo "$lines" | sed -n 1p)"
  read -r -a FLINK_DYNAMIC_CONFIGS <<<"$(echo "$lines" | sed -n 2p)"
}
