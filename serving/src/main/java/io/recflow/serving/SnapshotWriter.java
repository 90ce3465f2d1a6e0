package io.recflow.serving;

import org.rocksdb.RocksDB;
import org.rocksdb.RocksDBException;
import org.rocksdb.WriteBatch;
import org.rocksdb.WriteOptions;

/**
 * Batched RocksDB writes for a snapshot being loaded: large tables stream through a bounded write
 * batch instead of one write per record.
 */
final class SnapshotWriter {
  private static final int FLUSH_EVERY = 10_000;
  private final RocksDB db;
  private final boolean logged;
  private WriteBatch batch = new WriteBatch();

  SnapshotWriter(RocksDB db) {
    this(db, true);
  }

  /** {@code logged} false skips RocksDB's write-ahead log: for records that never outlive the load. */
  SnapshotWriter(RocksDB db, boolean logged) {
    this.db = db;
    this.logged = logged;
  }

  void put(byte[] key, byte[] value) {
    try {
      batch.put(key, value);
      if (batch.count() >= FLUSH_EVERY) {
        flush();
      }
    } catch (RocksDBException e) {
      throw new IllegalStateException("cannot write the snapshot: " + e.getMessage(), e);
    }
  }

  void flush() throws RocksDBException {
    try (WriteOptions o = new WriteOptions().setDisableWAL(!logged)) {
      db.write(o, batch);
    }
    batch.close();
    batch = new WriteBatch();
  }
}
