package io.lockstep.bundle;

/** A bundle that cannot be loaded or does not fit its model; the message names the file, feature or tensor. */
public class BundleException extends RuntimeException {
  public BundleException(String message) {
    super(message);
  }

  public BundleException(String message, Throwable cause) {
    super(message, cause);
  }
}
