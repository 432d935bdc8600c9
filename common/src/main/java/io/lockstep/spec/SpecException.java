package io.lockstep.spec;

/** A feature spec that cannot be used; the message names the file, the feature and what to fix. */
public class SpecException extends RuntimeException {
  public SpecException(String message) {
    super(message);
  }
}
