package io.recflow.serving;

import io.recflow.core.ErasureRequest;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.Stream;
import org.rocksdb.RocksDBException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The model the server answers with, and its replacement. {@link #refresh()} loads a newly
 * published version into a directory of its own and switches to it atomically; requests hold a
 * {@link Lease}, so those in flight finish on the old snapshot, which is closed and deleted when
 * its last lease ends. A version that cannot be loaded is refused (the reason is kept for
 * /health) and the current one goes on serving. On start, the newest complete snapshot directory
 * is served at once, without reading the warehouse.
 */
public final class SnapshotHolder implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(SnapshotHolder.class);
  private static final String PREFIX = "model-";

  /** A snapshot with its live overlay, counted by the leases on it plus one while it is current. */
  private static final class Served {
    final ModelSnapshot snapshot;
    final LiveState live;
    final AtomicInteger refs = new AtomicInteger(1);
    final long loadedAtMillis = System.currentTimeMillis();
    /** Set at shutdown: the directory stays for a warm restart. */
    volatile boolean keepOnDisk;

    Served(ModelSnapshot snapshot, LiveState live) {
      this.snapshot = snapshot;
      this.live = live;
    }

    void release() {
      if (refs.decrementAndGet() == 0) {
        snapshot.close();
        if (!keepOnDisk) {
          deleteTree(snapshot.dir());
          LOG.info("closed and removed snapshot {}", snapshot.dir());
        }
      }
    }
  }

  /** A request's hold on one snapshot; close it when the answer is built. */
  public static final class Lease implements AutoCloseable {
    private final Served served;

    private Lease(Served served) {
      this.served = served;
    }

    public ModelSnapshot snapshot() {
      return served.snapshot;
    }

    LiveState live() {
      return served.live;
    }

    @Override
    public void close() {
      served.release();
    }
  }

  /** Why a version was refused, and when (epoch ms). */
  public record Refusal(long version, String reason, long atMillis) {}

  /** How long a refused version waits before it is tried again, unless told otherwise. */
  static final long DEFAULT_RETRY_MILLIS = 60_000;

  private final Path root;
  private final SnapshotLoader loader;
  private final DeltaReader reader;
  private final ModelSnapshot.Search search;
  private final ServedRanking ranking;
  private final long retryMillis;
  private final AtomicReference<Served> current = new AtomicReference<>();
  private final Erasures erasures = new Erasures();
  private volatile Refusal refusal;
  private volatile String warehouseProblem;
  private volatile String liveProblem;

  public SnapshotHolder(Path root, DeltaReader reader) {
    this(root, reader, ModelSnapshot.Search.EXACT, ServedRanking.DEFAULTS, DEFAULT_RETRY_MILLIS);
  }

  SnapshotHolder(Path root, DeltaReader reader, ModelSnapshot.Search search, ServedRanking ranking) {
    this(root, reader, search, ranking, DEFAULT_RETRY_MILLIS);
  }

  /**
   * @param retryMillis how long a refused version waits before it is loaded again: files repaired
   *     under a running server are picked up without a restart
   */
  SnapshotHolder(Path root, DeltaReader reader, ModelSnapshot.Search search, ServedRanking ranking,
      long retryMillis) {
    this.root = root;
    this.reader = reader;
    this.search = search;
    this.ranking = ranking;
    this.retryMillis = retryMillis;
    this.loader = new SnapshotLoader(reader, ranking.trendingHours());
  }

  /** How this server ranks. */
  ServedRanking ranking() {
    return ranking;
  }

  /** Serves the newest complete snapshot already on disk, if any; returns its version or -1. */
  public long openExisting() throws Exception {
    Files.createDirectories(root);
    List<Path> dirs;
    try (Stream<Path> list = Files.list(root)) {
      dirs = list.filter(d -> d.getFileName().toString().startsWith(PREFIX))
          .sorted(Comparator.comparingLong(SnapshotHolder::versionOf).reversed()).toList();
    }
    long served = -1;
    for (Path dir : dirs) {
      if (served < 0) {
        try {
          install(ModelSnapshot.open(dir, search, ranking));
          served = versionOf(dir);
          LOG.info("serving model version {} from {} (warm start)", served, dir);
          continue;
        } catch (Exception e) {
          LOG.warn("not serving {}: {}", dir, e.getMessage());
        }
      }
      // Older versions and incomplete loads are of no further use.
      deleteTree(dir);
    }
    return served;
  }

  /**
   * Loads and serves the newest published version if it is not the served one and was not refused
   * within the retry interval; returns whether the served version changed. The newest published
   * version can also be an older one, when an operator rolls back by withdrawing the versions after
   * it.
   */
  public synchronized boolean refresh() throws Exception {
    long latest;
    try {
      latest = loader.latestPublished();
    } catch (RuntimeException e) {
      warehouseProblem = "the warehouse cannot be read: " + reason(e);
      throw e;
    }
    warehouseProblem = latest >= 0 ? null : "no model version is published in the warehouse (is "
        + "recflow.warehouse right? bin/recflow batch publishes one)";
    Served now = current.get();
    if (latest < 0 || (now != null && latest == now.snapshot.version())) {
      return false;
    }
    if (refusal != null && refusal.version() == latest && System.currentTimeMillis() - refusal.atMillis() < retryMillis) {
      return false;
    }
    Files.createDirectories(root);
    Path dir = root.resolve(PREFIX + latest);
    deleteTree(dir);
    try {
      long started = System.currentTimeMillis();
      loader.load(latest, dir, erasures.all());
      install(ModelSnapshot.open(dir, search, ranking));
      LOG.info("serving model version {} (loaded in {} ms)", latest, System.currentTimeMillis() - started);
      refusal = null;
      return true;
    } catch (Exception e) {
      refusal = new Refusal(latest, reason(e), System.currentTimeMillis());
      LOG.error("refused model version {} (trying again in {} s): {}", latest, retryMillis / 1000, refusal.reason());
      deleteTree(dir);
      return false;
    }
  }

  private void install(ModelSnapshot snapshot) throws Exception {
    LiveState live = new LiveState(snapshot, reader, erasures);
    try {
      erasures.refresh(reader);
      // A snapshot from disk may predate erasures made while this server was down.
      for (Map.Entry<String, Long> e : erasures.all().entrySet()) {
        live.erase(e.getKey(), e.getValue());
      }
      live.catchUp();
    } catch (Exception e) {
      snapshot.close();
      throw e;
    }
    Served old = current.getAndSet(new Served(snapshot, live));
    if (old != null) {
      old.release();
    }
  }

  /** How many erased users this server keeps out (see {@link Erasures}). */
  int erasuresHeld() {
    return erasures.size();
  }

  /** Reads new erasures, live vectors and events into the served snapshot's overlay. */
  public void catchUp() throws Exception {
    try (Lease l = acquire().orElse(null)) {
      Map<String, Long> erased = erasures.refresh(reader);
      if (l != null) {
        for (Map.Entry<String, Long> e : erased.entrySet()) {
          l.live().erase(e.getKey(), e.getValue());
        }
        l.live().catchUp();
      }
      liveProblem = null;
    } catch (Exception e) {
      liveProblem = "live vectors and events cannot be read: " + reason(e);
      throw e;
    }
  }

  /**
   * Erases a user from what this server holds, at once: the served snapshot (if loaded before the
   * request) and the live overlay; snapshots loaded later leave the user's older data out. The
   * caller has made the request durable in the feed, which carries it to the stream, the warehouse
   * and the other servers.
   */
  void erase(ErasureRequest r) throws RocksDBException {
    erasures.add(r);
    try (Lease l = acquire().orElse(null)) {
      if (l != null) {
        l.live().erase(r.userId(), r.requestedAtMillis());
      }
    }
  }

  /** Why the warehouse gave no servable version at the last refresh, if it did not. */
  Optional<String> warehouseProblem() {
    return Optional.ofNullable(warehouseProblem);
  }

  /** Why the last catch-up with live vectors and events failed, if it did. */
  Optional<String> liveProblem() {
    return Optional.ofNullable(liveProblem);
  }

  private static String reason(Exception e) {
    return e.getMessage() == null ? e.toString() : e.getMessage();
  }

  /** A hold on the current snapshot; empty before the first one is loaded. */
  public Optional<Lease> acquire() {
    while (true) {
      Served s = current.get();
      if (s == null) {
        return Optional.empty();
      }
      int n = s.refs.get();
      // A snapshot whose count reached 0 is being closed; the loop then sees its successor.
      if (n > 0 && s.refs.compareAndSet(n, n + 1)) {
        return Optional.of(new Lease(s));
      }
    }
  }

  /** The latest refusal, if the newest published version could not be served. */
  public Optional<Refusal> refusal() {
    return Optional.ofNullable(refusal);
  }

  /** When the live overlay last caught up with the warehouse (epoch ms), or 0. */
  public long liveCaughtUpAtMillis() {
    Served s = current.get();
    return s == null ? 0 : s.live.caughtUpAtMillis();
  }

  /** When the served snapshot was opened (epoch ms), or 0. */
  public long loadedAtMillis() {
    Served s = current.get();
    return s == null ? 0 : s.loadedAtMillis;
  }

  @Override
  public void close() {
    Served s = current.getAndSet(null);
    if (s != null) {
      s.keepOnDisk = true;
      s.release();
    }
  }

  private static long versionOf(Path dir) {
    try {
      return Long.parseLong(dir.getFileName().toString().substring(PREFIX.length()));
    } catch (NumberFormatException e) {
      return -1;
    }
  }

  static void deleteTree(Path dir) {
    if (!Files.exists(dir)) {
      return;
    }
    try (Stream<Path> paths = Files.walk(dir)) {
      for (Path p : paths.sorted(Comparator.reverseOrder()).toList()) {
        Files.delete(p);
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot remove " + dir, e);
    }
  }
}
