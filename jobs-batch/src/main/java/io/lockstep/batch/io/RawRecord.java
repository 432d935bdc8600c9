package io.lockstep.batch.io;

import io.lockstep.avro.Decoded;

/**
 * One input record as read from a file: decoded (or the reason why not), where it came from
 * ({@code file:line}), and its original form for dead letters (text for CSV/JSON lines, bytes for
 * binary formats).
 */
public record RawRecord(Decoded decoded, String source, String text, byte[] bytes) {}
