package io.recflow.streaming;

import io.recflow.core.LandingFile;

/**
 * The order of two records in the live feed, by their origins: offsets of one Kafka partition
 * numerically; landing files by the epoch milliseconds their names start with (recflow's
 * LandingFile names them so), or by name. Records whose order the feed does not define (two Kafka
 * partitions, one landing file, one millisecond) compare equal: neither came first, so each was in
 * flight while the other was made.
 */
final class FeedOrder {
  private FeedOrder() {}

  /** Negative when origin {@code a} came first in the feed, positive when {@code b} did, 0 when undefined. */
  static int compare(String a, String b) {
    if (a.startsWith("kafka:") || b.startsWith("kafka:")) {
      int slashA = a.lastIndexOf('/');
      int slashB = b.lastIndexOf('/');
      if (slashA < 0 || slashB < 0 || !a.substring(0, slashA).equals(b.substring(0, slashB))) {
        return 0;
      }
      return Long.compare(Long.parseLong(a.substring(slashA + 1)), Long.parseLong(b.substring(slashB + 1)));
    }
    String nameA = a.substring(a.lastIndexOf('/') + 1);
    String nameB = b.substring(b.lastIndexOf('/') + 1);
    long millisA = LandingFile.writtenMillis(nameA);
    long millisB = LandingFile.writtenMillis(nameB);
    if (millisA >= 0 && millisB >= 0) {
      return Long.compare(millisA, millisB);
    }
    return nameA.compareTo(nameB);
  }
}
