package io.recflow.serving;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Collection;
import java.util.List;

/**
 * The key and value layout of a snapshot's RocksDB: one byte for the kind of record, then the id
 * in UTF-8; vectors as little-endian floats, id lists separated by a character no id may hold.
 */
final class SnapshotKeys {
  static final byte META = 'm';
  static final byte ITEM = 'i';
  static final byte USER = 'u';
  /** A user's interest state (core's InterestState): seen items and their confidences. */
  static final byte HISTORY = 'h';
  static final byte POPULARITY = 'p';
  /** An item's title and attributes, as a string list. */
  static final byte ITEM_INFO = 'd';
  static final byte EMBEDDING = 'e';
  /** An item's similar items of one kind: key kind + SEPARATOR + item id, value an id/score list. */
  static final byte NEIGHBORS = 'n';
  /** An item's counts (item_stats): interactions, positive, positive recent, first seen millis, as 4 longs. */
  static final byte ITEM_STATS = 's';
  /** An item's co-visitation follow-ups: an id/score list, heaviest first. */
  static final byte CO_VISITATION = 'c';
  /** An item the catalog withdraws or lets expire: 2 longs, withdrawn (1) or not (0), expiry millis (or MAX_VALUE). */
  static final byte AVAILABILITY = 'v';
  /** An item's events in the hours before the load, for trending: longs, pairs of (hour since the epoch, count). */
  static final byte RECENT_EVENTS = 'r';
  /** An event of the events table while a snapshot loads (HistoryLoader); none is left after the load. */
  static final byte LOADING_EVENT = 't';
  /** A weight tensor of the sequence model, keyed by its SequenceWeights name: floats. */
  static final byte SEQUENCE_WEIGHT = 'w';
  /** An item's vector in the sequence model: floats. */
  static final byte SEQUENCE_ITEM = 'q';
  static final String POPULAR = "popular";
  static final String VERSION = "version";
  static final String COLD_ITEMS = "cold";
  static final String EVENTS_VERSION = "eventsVersion";
  /** The version of the items table the snapshot's catalog (titles, availability) was read at. */
  static final String ITEMS_VERSION = "itemsVersion";
  static final String PARAMS = "params";
  /** When the load began to read the warehouse, epoch ms: erasures made later are applied to the snapshot. */
  static final String LOADED_AT = "loadedAt";
  static final String COMPLETE = "complete";
  /** The ranker of the version (rankers): its XGBoost JSON, its feature names, its status. */
  static final String RANKER_MODEL = "rankerModel";
  static final String RANKER_FEATURES = "rankerFeatures";
  static final String RANKER_STATUS = "rankerStatus";
  /** The ranker's prior content weight, as the bits of a double in one long. */
  static final String RANKER_PRIOR_WEIGHT = "rankerPriorWeight";
  /** The sequence model's status (published or rejected) and its SequenceParams, as a key/value list. */
  static final String SEQUENCE_STATUS = "sequenceStatus";
  static final String SEQUENCE_PARAMS = "sequenceParams";
  // The event validator rejects ids with control characters, so this one never occurs in an id.
  static final String SEPARATOR = "\u0001";

  private SnapshotKeys() {}

  static byte[] key(byte kind, String id) {
    byte[] b = id.getBytes(StandardCharsets.UTF_8);
    byte[] out = new byte[b.length + 1];
    out[0] = kind;
    System.arraycopy(b, 0, out, 1, b.length);
    return out;
  }

  static byte[] meta(String name) {
    return key(META, name);
  }

  static byte[] neighborsKey(String kind, String itemId) {
    return key(NEIGHBORS, kind + SEPARATOR + itemId);
  }

  static String id(byte[] key) {
    return new String(key, 1, key.length - 1, StandardCharsets.UTF_8);
  }

  static byte[] floats(float[] v) {
    ByteBuffer b = ByteBuffer.allocate(v.length * 4).order(ByteOrder.LITTLE_ENDIAN);
    b.asFloatBuffer().put(v);
    return b.array();
  }

  static float[] floats(byte[] bytes) {
    float[] v = new float[bytes.length / 4];
    ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN).asFloatBuffer().get(v);
    return v;
  }

  static byte[] longs(long... v) {
    ByteBuffer b = ByteBuffer.allocate(v.length * 8).order(ByteOrder.LITTLE_ENDIAN);
    b.asLongBuffer().put(v);
    return b.array();
  }

  static long[] longs(byte[] bytes) {
    long[] v = new long[bytes.length / 8];
    ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN).asLongBuffer().get(v);
    return v;
  }

  static byte[] strings(Collection<String> ids) {
    return String.join(SEPARATOR, ids).getBytes(StandardCharsets.UTF_8);
  }

  static List<String> strings(byte[] bytes) {
    return bytes.length == 0 ? List.of() : Arrays.asList(new String(bytes, StandardCharsets.UTF_8).split(SEPARATOR));
  }
}
