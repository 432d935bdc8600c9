package io.lockstep.batch.verify;

import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The outcome of {@code lockstep verify}: the JSON report (fields in docs/spec.md, Verify) and the
 * verdict that decides the exit code (0 pass, 2 fail).
 */
public record VerifyReport(ObjectNode json, Verdict verdict) {

  /** Pass, or the first failing check with a message naming the key or source. */
  public record Verdict(boolean pass, String check, String message) {
    static Verdict pass(String message) {
      return new Verdict(true, null, message);
    }

    static Verdict fail(String check, String message) {
      return new Verdict(false, check, message);
    }

    public String line() {
      return pass ? "PASS: " + message : "FAIL " + check + ": " + message;
    }
  }

  /** PSI of one column of each side against the reference profile. */
  public record ProfilePsi(String column, String kind, double left, double right) {}

  public void writeJson(Path file) throws IOException {
    Files.writeString(file, Comparison.JSON.copy().enable(SerializationFeature.INDENT_OUTPUT).writeValueAsString(json) + "\n");
  }

  public void writeHtml(Path file) throws IOException {
    Files.writeString(file, HtmlReport.render(json));
  }
}
