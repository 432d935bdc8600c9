package io.lockstep.bundle;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.lang.ref.Cleaner;
import java.lang.ref.WeakReference;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Zip bundles loaded in this JVM, each extracted once into its own temporary folder
 * {@code lockstep-bundle-<pid>-*} under {@code java.io.tmpdir} and deleted again:
 * <ul>
 *   <li>when no loaded {@link Bundle} of it is reachable any more (a {@link Cleaner} watches it),</li>
 *   <li>at JVM exit ({@link java.io.File#deleteOnExit}: unlike a shutdown hook, it holds paths, not
 *       this class, so a Flink job's user-code class loader is not pinned for the life of the task manager), and</li>
 *   <li>after a crash ({@code kill -9}): each folder holds a file lock for the life of its JVM, and the
 *       first extraction in any later JVM deletes the folders whose lock is free.</li>
 * </ul>
 * The same zip bytes (by sha256) loaded again while a bundle of them is alive, by another task
 * attempt or another operator of a Flink task manager or Spark executor, get that same bundle,
 * so the number of folders never grows with tasks or attempts.
 */
final class ExtractedBundles {
  private static final Logger LOG = LoggerFactory.getLogger(ExtractedBundles.class);
  static final String PREFIX = "lockstep-bundle-";
  private static final String LOCK = ".lockstep-owner.lock";
  /** A folder younger than this is never swept: its owner may not have locked it yet. */
  private static final Duration SWEEP_MIN_AGE = Duration.ofMinutes(1);
  private static final Cleaner CLEANER = Cleaner.create();
  private static final Map<String, Extraction> LIVE = new HashMap<>();
  /** One extraction at a time: concurrent tasks loading the same bundle wait for the first. */
  private static final Object EXTRACTING = new Object();
  private static boolean started;

  private ExtractedBundles() {}

  /** Something that opens the zip's bytes, once. */
  interface ZipSource {
    InputStream open() throws IOException;
  }

  /**
   * The bundle of the zip whose bytes have sha256 {@code zipSha256}: the one already loaded in this
   * JVM, or a new extraction loaded (and verified) by {@link BundleLoader}.
   *
   * @param origin how messages name the zip
   */
  static Bundle load(String zipSha256, String origin, ZipSource zip) {
    synchronized (EXTRACTING) {
      Extraction live;
      synchronized (LIVE) {
        live = LIVE.get(zipSha256);
      }
      Bundle b = live == null ? null : live.bundle.get();
      if (b != null && live.stillOnDisk()) {
        return b;
      }
      return extract(zipSha256, origin, zip);
    }
  }

  private static Bundle extract(String sha, String origin, ZipSource zip) {
    startOnce();
    Folder folder = Folder.create();
    try {
      Path bundleDir;
      try (InputStream in = zip.open()) {
        bundleDir = BundleZip.extract(in, origin, folder.content, BundleLimits.current());
      }
      folder.deleteContentOnExit();
      Bundle bundle = BundleLoader.loadDirectory(bundleDir, origin);
      Extraction ex = new Extraction(new WeakReference<>(bundle), folder, null);
      synchronized (LIVE) {
        LIVE.put(sha, ex);
      }
      CLEANER.register(bundle, () -> release(sha, ex));
      return bundle;
    } catch (IOException e) {
      folder.delete();
      throw new BundleException(origin + ": cannot read: " + e.getMessage(), e);
    } catch (RuntimeException | Error e) {
      folder.delete();
      throw e;
    }
  }

  /**
   * Records that the zip with sha256 {@code zipSha256} holds {@code bundle}, already loaded and
   * verified from its directory: loads of that zip in this JVM then need no extraction.
   */
  static void remember(String zipSha256, Bundle bundle) {
    synchronized (EXTRACTING) {
      Extraction ex = new Extraction(new WeakReference<>(bundle), null, DirectoryStamp.of(bundle));
      synchronized (LIVE) {
        Extraction live = LIVE.get(zipSha256);
        if (live != null && live.bundle.get() != null) {
          return;
        }
        LIVE.put(zipSha256, ex);
      }
      CLEANER.register(bundle, () -> release(zipSha256, ex));
    }
  }

  private static void release(String sha, Extraction ex) {
    synchronized (LIVE) {
      LIVE.remove(sha, ex);
    }
    if (ex.folder != null) {
      ex.folder.delete();
    }
  }

  private static synchronized void startOnce() {
    if (started) {
      return;
    }
    started = true;
    sweepAbandoned(tmpRoot());
  }

  /** Deletes folders left by JVMs that died without running their shutdown hook. */
  static void sweepAbandoned(Path root) {
    try (DirectoryStream<Path> dirs = Files.newDirectoryStream(root, PREFIX + "*")) {
      for (Path dir : dirs) {
        Path lock = dir.resolve(LOCK);
        if (!Files.isDirectory(dir) || !Files.isRegularFile(lock) || youngerThan(lock, SWEEP_MIN_AGE)) {
          continue;
        }
        try (FileChannel ch = FileChannel.open(lock, StandardOpenOption.WRITE);
             FileLock held = ch.tryLock()) {
          if (held != null) {
            LOG.info("deleting {}: left by a Lockstep JVM that did not exit cleanly", dir);
            deleteTree(dir);
          }
        } catch (OverlappingFileLockException ours) {
          // held by this JVM
        } catch (IOException e) {
          LOG.debug("cannot check {}: {}", dir, e.getMessage());
        }
      }
    } catch (IOException e) {
      LOG.debug("cannot list {}: {}", root, e.getMessage());
    }
  }

  private static boolean youngerThan(Path p, Duration age) throws IOException {
    FileTime t = Files.getLastModifiedTime(p);
    return t.toInstant().isAfter(Instant.now().minus(age));
  }

  private static Path tmpRoot() {
    return Path.of(System.getProperty("java.io.tmpdir"));
  }

  /** A loaded bundle of a zip, and its folder (null for a bundle loaded from its own directory). */
  /**
   * A loaded bundle and where its files live: our own extraction ({@code folder}), or the user's
   * directory verified on this JVM ({@code stamp}). The user's directory can change or vanish after
   * it was verified (a test's temporary folder, a bundle rebuilt in place), so it is reused only
   * while every file still has the size and modification time it had then; otherwise the shipped
   * bytes are extracted and verified again.
   */
  private record Extraction(WeakReference<Bundle> bundle, Folder folder, DirectoryStamp stamp) {
    boolean stillOnDisk() {
      return stamp == null || stamp.equals(DirectoryStamp.of(bundle.get()));
    }
  }

  /** Size and modification time of {@code bundle.yaml} and every file it lists; {@code null} fields when unreadable. */
  private record DirectoryStamp(Map<String, String> files) {
    static DirectoryStamp of(Bundle bundle) {
      Map<String, String> files = new TreeMap<>();
      if (bundle == null) {
        return new DirectoryStamp(files);
      }
      List<String> names = new ArrayList<>(bundle.sha256().keySet());
      names.add(Bundle.BUNDLE_YAML);
      for (String name : names) {
        Path p = bundle.dir().resolve(name);
        try {
          files.put(name, Files.size(p) + "@" + Files.getLastModifiedTime(p).toMillis());
        } catch (IOException e) {
          files.put(name, "unreadable");
        }
      }
      return new DirectoryStamp(files);
    }
  }

  /** A temporary folder locked by this JVM until deleted: the lock file, and the zip's content in {@code bundle/}. */
  private static final class Folder {
    final Path dir;
    final Path content;
    private final FileChannel lockChannel;

    private Folder(Path dir, FileChannel lockChannel) {
      this.dir = dir;
      this.content = dir.resolve("bundle");
      this.lockChannel = lockChannel;
    }

    static Folder create() {
      try {
        Path dir = Files.createTempDirectory(tmpRoot(), PREFIX + ProcessHandle.current().pid() + "-");
        // deleteOnExit deletes in reverse order of registration: register parents first
        dir.toFile().deleteOnExit();
        Path lock = dir.resolve(LOCK);
        lock.toFile().deleteOnExit();
        FileChannel ch = FileChannel.open(lock, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE);
        ch.lock();
        Folder f = new Folder(dir, ch);
        Files.createDirectory(f.content);
        f.content.toFile().deleteOnExit();
        return f;
      } catch (IOException e) {
        throw new UncheckedIOException("cannot create a temporary folder for a bundle in " + tmpRoot() + ": " + e.getMessage(), e);
      }
    }

    /** Registers every extracted file and folder, parents first, for deletion at JVM exit. */
    void deleteContentOnExit() throws IOException {
      try (Stream<Path> s = Files.walk(content)) {
        s.skip(1).forEach(p -> p.toFile().deleteOnExit());
      }
    }

    synchronized void delete() {
      try {
        lockChannel.close();
      } catch (IOException ignored) {
        // the folder goes anyway
      }
      deleteTree(dir);
    }
  }

  static void deleteTree(Path dir) {
    if (!Files.exists(dir)) {
      return;
    }
    try (Stream<Path> s = Files.walk(dir)) {
      for (Path p : s.sorted(Comparator.reverseOrder()).toList()) {
        Files.deleteIfExists(p);
      }
    } catch (IOException | UncheckedIOException e) {
      LOG.warn("cannot delete {}: {}", dir, e.getMessage());
    }
  }
}
