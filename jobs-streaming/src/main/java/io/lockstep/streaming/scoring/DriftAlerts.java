package io.lockstep.streaming.scoring;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.lockstep.profile.DriftWindow;
import io.lockstep.profile.LiveBins;
import io.lockstep.streaming.kafka.OutRecord;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import org.apache.flink.util.OutputTag;

/**
 * Drift alerts (docs/spec.md, Drift): one JSON record per column whose PSI over a closed window
 * exceeds the threshold, on the side output that the job writes to {@code <output-topic>.drift},
 * keyed by the column name:
 * <pre>{"window":{"start":"…","end":"…","records":10000},"feature":"charges_z","kind":"feature",
 *  "psi":0.41,"threshold":0.2,"model":"churn@1"}</pre>
 */
public final class DriftAlerts {
  public static final OutputTag<OutRecord> TAG = new OutputTag<>("drift-alerts") {};
  private static final ObjectMapper JSON = new ObjectMapper();

  private DriftAlerts() {}

  public static OutRecord of(DriftWindow.Closed w, LiveBins.PsiRow row, double threshold, String model) {
    ObjectNode n = JSON.createObjectNode();
    ObjectNode window = n.putObject("window");
    window.put("start", Instant.ofEpochMilli(w.start()).toString());
    window.put("end", Instant.ofEpochMilli(w.end()).toString());
    window.put("records", w.records());
    n.put("feature", row.column());
    n.put("kind", row.kind().text());
    n.put("psi", row.psi());
    n.put("threshold", threshold);
    n.put("model", model);
    return new OutRecord(row.column().getBytes(StandardCharsets.UTF_8), n.toString().getBytes(StandardCharsets.UTF_8),
        null, w.end());
  }
}
