package io.lockstep.streaming.it;

import io.lockstep.avro.AvroCodec;
import io.lockstep.bundle.Bundle;
import io.lockstep.bundle.BundleLoader;
import io.lockstep.bundle.BundleWriter;
import io.lockstep.features.FeaturePipeline;
import io.lockstep.features.FieldAccessor;
import io.lockstep.golden.GoldenFixture;
import io.lockstep.profile.Profile;
import io.lockstep.profile.ProfileBuilder;
import io.lockstep.score.BatchScorer;
import io.lockstep.score.OnnxScorer;
import io.lockstep.score.ScorerOptions;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericRecord;
import org.apache.kafka.clients.producer.ProducerRecord;

/**
 * Customers of the golden {@code lr} bundle drawn from one fixed distribution, and that bundle with a
 * profile of 20,000 of them (built with the same common code as {@code lockstep profile}): a stream
 * drawn from it should not drift; {@code monthly_charges} shifted by its standard deviation should.
 */
public final class DriftData {
  static final double CHARGES_MEAN = 70;
  static final double CHARGES_STD = 20;

  private DriftData() {}

  public static GenericRecord customer(Schema s, Random rnd, int i, double chargesShift) {
    GenericData.Record r = new GenericData.Record(s);
    int tenure = rnd.nextInt(72);
    r.put("customer_id", "D" + i);
    r.put("tenure_months", tenure);
    r.put("monthly_charges", CHARGES_MEAN + CHARGES_STD * rnd.nextGaussian() + chargesShift);
    r.put("total_charges", 1000 + 800 * rnd.nextGaussian());
    r.put("support_calls", rnd.nextInt(5));
    r.put("days_since_login", -12 * Math.log(1 - rnd.nextDouble()));
    r.put("discount_pct", (float) (50 * rnd.nextDouble()));
    r.put("country", List.of("US", "DE", "FR", "GB", "NO", "BR").get(rnd.nextInt(6)));
    r.put("age", 18 + rnd.nextInt(60));
    r.put("paperless_billing", rnd.nextBoolean());
    return r;
  }

  /** The lr bundle with a profile of {@code n} customers (seed 1) added, written under {@code dir}. */
  public static Path profiledBundle(Path dir, int n) throws Exception {
    GoldenFixture fx = GoldenFixture.of("lr");
    Bundle bundle = BundleLoader.load(fx.bundle());
    FeaturePipeline pipeline = FeaturePipeline.compile(bundle.spec(), bundle.inputSchema());
    Profile profile;
    try (OnnxScorer scorer = OnnxScorer.open(bundle, ScorerOptions.defaults())) {
      ProfileBuilder builder = new ProfileBuilder(bundle.id(), pipeline.columnNames(), scorer.fields());
      BatchScorer batch = scorer.newBatch(512);
      Random rnd = new Random(1);
      for (int i = 0; i < n; i++) {
        if (batch.add(pipeline, FieldAccessor.of(customer(bundle.inputSchema(), rnd, i, 0)), null) != null) {
          throw new IllegalStateException("a generated customer failed its features");
        }
        if (batch.isFull() || i == n - 1) {
          batch.score();
          for (int r = 0; r < batch.size(); r++) {
            builder.scored(batch.featureRow(r), batch, r);
          }
          batch.clear();
        }
      }
      profile = builder.build("generated", n, n, Map.of());
    }
    Path profileFile = dir.resolve("profile.json");
    profile.write(profileFile);
    Path b = fx.bundle();
    return BundleWriter.write(b.resolve("features.yaml"), b.resolve("input.avsc"), b.resolve("model.onnx"), null, profileFile,
        "golden-lr", "1", "lr with a profile", dir.resolve("bundle"));
  }

  /** {@code n} Avro-encoded customers for {@code topic}. */
  static List<ProducerRecord<byte[], byte[]>> records(Schema s, String topic, long seed, int first, int n, double chargesShift) {
    AvroCodec codec = new AvroCodec(s);
    Random rnd = new Random(seed);
    List<ProducerRecord<byte[], byte[]>> out = new ArrayList<>(n);
    for (int i = first; i < first + n; i++) {
      out.add(new ProducerRecord<>(topic, ("D" + i).getBytes(StandardCharsets.UTF_8), codec.binary(customer(s, rnd, i, chargesShift))));
    }
    return out;
  }
}
