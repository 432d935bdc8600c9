# TLS material and secrets for deploy/kafka/start-broker.sh (KAFKA_SECURITY=sasl_ssl). Sourced, not run.
# Everything lives under the run directory, readable by its owner only, and is made once: a restart
# reuses it, so a client.properties handed out earlier stays valid.

KEYTOOL="${JAVA_HOME:+$JAVA_HOME/bin/}keytool"

# write_private FILE: stdin into FILE, readable by its owner only (it may hold a password).
write_private() {
  (umask 077; cat >"$1.tmp") && mv -f "$1.tmp" "$1"
}

# secret FILE [VALUE]: prints the secret kept in FILE; creates FILE from VALUE, or from a fresh
# random string, when it does not exist yet.
secret() {
  local file="$1" value="${2:-}"
  if [[ ! -s "$file" ]]; then
    [[ -n "$value" ]] || value="$(head -c 18 /dev/urandom | base64 | tr -d '/+=\n')"
    printf '%s' "$value" | write_private "$file"
  fi
  cat "$file"
}

# make_tls DIR: a self-signed CA, a broker key and certificate for 127.0.0.1/localhost signed by it
# (PKCS12 keystore DIR/broker.p12), and a truststore holding the CA (DIR/truststore.p12, for
# clients). Sets TLS_PASSWORD, the password of both stores.
make_tls() {
  local dir="$1"
  mkdir -p "$dir"
  chmod 700 "$dir"
  TLS_PASSWORD="$(secret "$dir/store.password")"
  [[ -s "$dir/broker.p12" && -s "$dir/truststore.p12" ]] && return 0
  command -v "$KEYTOOL" >/dev/null || die "keytool not found (set JAVA_HOME to a JDK)"
  log "making a self-signed CA and a broker certificate with keytool in $dir"
  rm -f "$dir/ca.p12" "$dir/broker.p12" "$dir/truststore.p12" "$dir/ca.pem" "$dir/broker.pem" "$dir/broker.csr"
  local san="SAN=ip:127.0.0.1,dns:localhost"
  local kt=("$KEYTOOL" -noprompt -storetype PKCS12 -storepass "$TLS_PASSWORD")
  if ! {
    "${kt[@]}" -genkeypair -alias ca -keystore "$dir/ca.p12" -keypass "$TLS_PASSWORD" -dname "CN=Lockstep local CA" \
      -keyalg RSA -keysize 2048 -validity 3650 -ext bc:c &&
    "${kt[@]}" -exportcert -alias ca -keystore "$dir/ca.p12" -rfc -file "$dir/ca.pem" &&
    "${kt[@]}" -genkeypair -alias broker -keystore "$dir/broker.p12" -keypass "$TLS_PASSWORD" -dname "CN=localhost" \
      -keyalg RSA -keysize 2048 -validity 825 -ext "$san" &&
    "${kt[@]}" -certreq -alias broker -keystore "$dir/broker.p12" -file "$dir/broker.csr" &&
    "${kt[@]}" -gencert -alias ca -keystore "$dir/ca.p12" -infile "$dir/broker.csr" -outfile "$dir/broker.pem" -rfc \
      -validity 825 -ext "$san" -ext KU=digitalSignature,keyEncipherment -ext EKU=serverAuth &&
    "${kt[@]}" -importcert -alias ca -keystore "$dir/broker.p12" -file "$dir/ca.pem" &&
    "${kt[@]}" -importcert -alias broker -keystore "$dir/broker.p12" -file "$dir/broker.pem" &&
    "${kt[@]}" -importcert -alias ca -keystore "$dir/truststore.p12" -file "$dir/ca.pem"
  } >>"$dir/keytool.log" 2>&1; then
    tail -n 20 "$dir/keytool.log" >&2
    die "keytool failed (log: $dir/keytool.log)"
  fi
  chmod 600 "$dir"/*
}
