package io.lockstep.bundle;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.FileTime;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A zip bundle is extracted once per JVM into one temporary folder, however often it is loaded,
 * and the folder goes away when no bundle of it is in use, at JVM exit, and after a crash.
 */
class ZipBundleTempFolderTest {
  @TempDir
  Path tmp;

  @Test
  void loadingTheSameZipManyTimesUsesOneFolder() throws IOException {
    Path zip = TestBundles.zip(TestBundles.copyOfGolden("lr", tmp.resolve("lr")), tmp.resolve("lr.zip"));
    List<Path> before = TestBundles.tempFoldersOfThisJvm();
    List<Bundle> held = new ArrayList<>();
    for (int i = 0; i < 5; i++) {
      held.add(BundleLoader.load(zip));
      held.add(ShippedBundle.read(zip).load());
    }
    assertThat(held).allSatisfy(b -> assertThat(b).isSameAs(held.get(0)));
    assertThat(TestBundles.tempFoldersOfThisJvm()).hasSize(before.size() + 1);
    assertThat(held.get(0).origin()).isEqualTo(zip.toString());
    assertThat(held.get(0).where("features.yaml")).isEqualTo(zip + "!/features.yaml");
  }

  @Test
  void theFolderIsDeletedWhenNoBundleOfItIsInUse() throws Exception {
    Path dir = TestBundles.copyOfGolden("lr", tmp.resolve("lr2"));
    // an extra, unlisted file makes this zip's bytes distinct, so that no other test holds its bundle
    Files.writeString(dir.resolve("README"), "only in this test\n");
    Path zip = TestBundles.zip(dir, tmp.resolve("lr2.zip"));
    Path folder = folderOf(BundleLoader.load(zip));
    assertThat(folder).isDirectory();
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
    while (Files.exists(folder) && System.nanoTime() < deadline) {
      System.gc();
      Thread.sleep(50);
    }
    assertThat(folder).doesNotExist();
  }

  @Test
  void aJvmThatExitsLeavesNoFolderAndOneKilledIsSweptByTheNext() throws Exception {
    Path zip = TestBundles.zip(TestBundles.copyOfGolden("lr", tmp.resolve("lr3")), tmp.resolve("lr3.zip"));
    Path root = Files.createDirectory(tmp.resolve("tmpdir"));

    Process exits = child(root, zip, "exit");
    assertThat(exits.waitFor(60, TimeUnit.SECONDS)).isTrue();
    assertThat(exits.exitValue()).as(Files.readString(root.resolve("stderr.txt"))).isZero();
    assertThat(TestBundles.allTempFolders(root)).isEmpty();

    Process killed = child(root, zip, "hang");
    try {
      String line = new String(killed.getInputStream().readNBytes("loaded\n".length()));
      assertThat(line).isEqualTo("loaded\n");
      assertThat(TestBundles.tempFolders(root, killed.pid())).hasSize(1);
    } finally {
      killed.destroyForcibly().waitFor(60, TimeUnit.SECONDS);
    }
    List<Path> left = TestBundles.tempFolders(root, killed.pid());
    assertThat(left).as("kill -9 runs no shutdown hook").hasSize(1);
    ageLockFiles(left.get(0));

    Process next = child(root, zip, "exit");
    assertThat(next.waitFor(60, TimeUnit.SECONDS)).isTrue();
    assertThat(TestBundles.allTempFolders(root)).isEmpty();
  }

  @Test
  void aFolderInUseOrJustCreatedIsNeverSwept() throws IOException {
    Path root = Files.createDirectory(tmp.resolve("sweep"));
    Path young = Files.createDirectory(root.resolve(ExtractedBundles.PREFIX + "1-young"));
    Files.createFile(young.resolve(".lockstep-owner.lock"));
    Path held = Files.createDirectory(root.resolve(ExtractedBundles.PREFIX + "2-held"));
    Path lock = Files.createFile(held.resolve(".lockstep-owner.lock"));
    ageLockFiles(held);
    Path foreign = Files.createDirectory(root.resolve(ExtractedBundles.PREFIX + "no-lock"));
    try (FileChannel ch = FileChannel.open(lock, StandardOpenOption.WRITE); var l = ch.lock()) {
      ExtractedBundles.sweepAbandoned(root);
    }
    assertThat(young).isDirectory();
    assertThat(held).isDirectory();
    assertThat(foreign).isDirectory();
    ExtractedBundles.sweepAbandoned(root);
    assertThat(held).doesNotExist();
  }

  private static void ageLockFiles(Path folder) throws IOException {
    Files.setLastModifiedTime(folder.resolve(".lockstep-owner.lock"), FileTime.from(Instant.now().minusSeconds(600)));
  }

  private static Path folderOf(Bundle b) {
    Path p = b.dir();
    while (!p.getFileName().toString().startsWith(ExtractedBundles.PREFIX)) {
      p = p.getParent();
    }
    return p;
  }

  private static Process child(Path tmpdir, Path zip, String mode) throws IOException {
    String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    return new ProcessBuilder(java, "-cp", System.getProperty("java.class.path"), "-Djava.io.tmpdir=" + tmpdir,
        LoadZipMain.class.getName(), zip.toString(), mode)
        .redirectError(tmpdir.resolve("stderr.txt").toFile()).start();
  }

  /** A JVM that loads a zip bundle, prints "loaded", then exits or waits to be killed. */
  public static final class LoadZipMain {
    public static void main(String[] args) throws Exception {
      Bundle b = BundleLoader.load(Path.of(args[0]));
      System.out.print("loaded\n");
      System.out.flush();
      if (args[1].equals("hang")) {
        Thread.sleep(600_000);
      }
      System.out.println(b.id());
    }
  }
}
