# Sourced by the Spark bench scripts: wide_bundle DIR prints the path of issue 15's benchmark bundle
# (`id` + 30 doubles, 30 standardize features, logistic regression), building it under DIR once:
# make_wide_bundle.py writes the files (needs /usr/bin/python3 with python3-onnx), bin/lockstep bundle packs them.
wide_bundle() {
  local dir="$1" root
  root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../../.." && pwd)"
  if [[ ! -f "$dir/wide30-bundle/bundle.yaml" ]]; then
    /usr/bin/python3 "$root/deploy/spark/bench/make_wide_bundle.py" "$dir/wide30-src" >&2
    "$root/bin/lockstep" bundle --spec "$dir/wide30-src/features.yaml" --schema "$dir/wide30-src/input.avsc" \
      --model "$dir/wide30-src/model.onnx" --name bench-wide30 --version 1 --out "$dir/wide30-bundle" >&2
  fi
  echo "$dir/wide30-bundle"
}
