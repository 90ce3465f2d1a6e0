package io.recflow.serving;

import io.recflow.core.ItemMatrix;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.rocksdb.Options;
import org.rocksdb.RocksDB;
import org.rocksdb.RocksDBException;
import org.rocksdb.RocksIterator;

/**
 * One loaded model version, opened read-only: item vectors in memory as one contiguous matrix
 * (what top-k scoring reads), users' vectors and seen items looked up in RocksDB per request.
 */
public final class ModelSnapshot implements AutoCloseable {
  /** A recommended item and its score. */
  public record Scored(String itemId, double score) {}

  private final Options options;
  private final RocksDB db;
  private final long version;
  private final ItemMatrix items;
  private final List<Scored> popular;

  private ModelSnapshot(Options options, RocksDB db, long version, ItemMatrix items, List<Scored> popular) {
    this.options = options;
    this.popular = popular;
    this.db = db;
    this.version = version;
    this.items = items;
  }

  /** Opens a snapshot directory; refuses one that was not marked complete. */
  public static ModelSnapshot open(Path dir) throws RocksDBException {
    // RocksDB reads its options for as long as the database is open; they are closed with it.
    Options options = new Options();
    RocksDB db = RocksDB.openReadOnly(options, dir.toString());
    try {
      if (db.get(SnapshotKeys.meta(SnapshotKeys.COMPLETE)) == null) {
        throw new IllegalStateException("snapshot " + dir + " is incomplete: its load did not finish. It is not "
            + "served; the server loads the model again from the warehouse.");
      }
      long version = Long.parseLong(new String(db.get(SnapshotKeys.meta(SnapshotKeys.VERSION))));
      List<String> ids = new ArrayList<>();
      List<float[]> vectors = new ArrayList<>();
      try (RocksIterator it = db.newIterator()) {
        for (it.seek(new byte[] {SnapshotKeys.ITEM}); it.isValid() && it.key()[0] == SnapshotKeys.ITEM; it.next()) {
          ids.add(SnapshotKeys.id(it.key()));
          vectors.add(SnapshotKeys.floats(it.value()));
        }
      }
      List<Scored> popular = new ArrayList<>();
      for (String id : SnapshotKeys.strings(db.get(SnapshotKeys.meta(SnapshotKeys.POPULAR)))) {
        popular.add(new Scored(id, Double.parseDouble(new String(db.get(SnapshotKeys.key(SnapshotKeys.POPULARITY, id))))));
      }
      return new ModelSnapshot(options, db, version, new ItemMatrix(ids, vectors), List.copyOf(popular));
    } catch (RuntimeException | RocksDBException e) {
      db.close();
      options.close();
      throw e;
    }
  }

  public long version() {
    return version;
  }

  public ItemMatrix items() {
    return items;
  }

  /** The most popular items, best first: the answer for a user the model does not know. */
  public List<Scored> popular(int k) {
    return popular.subList(0, Math.min(k, popular.size()));
  }

  /** The user's nightly vector, if the model knows the user. */
  public Optional<float[]> userVector(String userId) throws RocksDBException {
    byte[] v = db.get(SnapshotKeys.key(SnapshotKeys.USER, userId));
    return v == null ? Optional.empty() : Optional.of(SnapshotKeys.floats(v));
  }

  /** Items the user has interacted with, by id. */
  public List<String> seen(String userId) throws RocksDBException {
    byte[] v = db.get(SnapshotKeys.key(SnapshotKeys.SEEN, userId));
    return v == null ? List.of() : SnapshotKeys.strings(v);
  }

  /** The top {@code k} unseen items for a user vector, by dot product. */
  public List<Scored> recommend(float[] user, List<String> seen, int k) {
    Set<Integer> excluded = new HashSet<>();
    for (String id : seen) {
      excluded.add(items.row(id));
    }
    List<Scored> out = new ArrayList<>(k);
    for (int row : items.topK(user, k, excluded::contains)) {
      out.add(new Scored(items.id(row), items.score(user, row)));
    }
    return out;
  }

  @Override
  public void close() {
    db.close();
    options.close();
  }
}
