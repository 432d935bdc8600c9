package io.lockstep.spec;

import java.util.List;

/**
 * One row op of a feature (docs/spec.md, features.yaml). Ops compute in {@code double}; the pipeline casts to
 * {@code float} once, at the tensor. Text-consuming ops ({@link OneHot}, {@link HashBucket}) read
 * the field's value as text; every other op reads and returns a number.
 */
public sealed interface Op {

  /** The op's name as written in {@code features.yaml}. */
  String name();

  /** {@code impute: v}: null or NaN becomes {@code v}. */
  record Impute(double value, String text) implements Op {
    public String name() { return "impute"; }
  }

  /** {@code standardize: {mean, std}}: {@code (x - mean) / std}. */
  record Standardize(double mean, double std) implements Op {
    public String name() { return "standardize"; }
  }

  /** {@code min_max: {min, max}}: {@code (x - min) / (max - min)}. */
  record MinMax(double min, double max) implements Op {
    public String name() { return "min_max"; }
  }

  /** {@code log1p}. */
  record Log1p() implements Op {
    public String name() { return "log1p"; }
  }

  /** {@code clip: {min?, max?}}; an absent bound is infinite. */
  record Clip(double min, double max) implements Op {
    public String name() { return "clip"; }
  }

  /** {@code bucketize: [b1 < b2 < ...]}: the number of boundaries {@code <= x}. */
  record Bucketize(double[] boundaries) implements Op {
    public String name() { return "bucketize"; }
  }

  /** {@code one_hot: [v1, ...]}: one column per value, compared as text; must be the last op. */
  record OneHot(List<String> values) implements Op {
    public String name() { return "one_hot"; }
  }

  /** {@code hash_bucket: n}: unsigned murmur3_x86_32 (seed 0) of the UTF-8 text, modulo n. */
  record HashBucket(int buckets) implements Op {
    public String name() { return "hash_bucket"; }
  }

  /** Whether this op reads its input as text rather than as a number. */
  default boolean readsText() {
    return this instanceof OneHot || this instanceof HashBucket;
  }
}
