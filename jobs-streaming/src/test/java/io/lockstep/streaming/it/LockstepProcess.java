package io.lockstep.streaming.it;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** {@code bin/lockstep} run as the user runs it (the jar the reactor built), with its exit code and output. */
record LockstepProcess(int code, String out, String err) {

  /** Whether the CLI jar is there (it is in a reactor build: jobs-batch is packaged first). */
  static boolean available() {
    return Files.isRegularFile(KafkaBroker.repo().resolve("jobs-batch/target/lockstep-jobs-batch.jar"));
  }

  static LockstepProcess run(Path workDir, String... args) throws IOException, InterruptedException {
    List<String> cmd = new ArrayList<>(List.of(KafkaBroker.repo().resolve("bin/lockstep").toString()));
    cmd.addAll(List.of(args));
    ProcessBuilder pb = new ProcessBuilder(cmd);
    pb.environment().put("LOCKSTEP_JAVA_OPTS", "-Xmx512m");
    Path outFile = Files.createTempFile(workDir, "out", ".txt");
    Path errFile = Files.createTempFile(workDir, "err", ".txt");
    pb.redirectOutput(outFile.toFile()).redirectError(errFile.toFile());
    Process p = pb.start();
    if (!p.waitFor(180, TimeUnit.SECONDS)) {
      p.destroy();
      throw new IllegalStateException("lockstep " + args[0] + " did not finish in 180 s");
    }
    return new LockstepProcess(p.exitValue(), Files.readString(outFile), Files.readString(errFile));
  }
}
