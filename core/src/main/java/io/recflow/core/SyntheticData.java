package io.recflow.core;

import java.io.BufferedWriter;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Arrays;
import java.util.SplittableRandom;

/**
 * A synthetic shop with learnable structure, the same for the same seed. Items belong to one of
 * twenty categories and have a title and description drawn from that category's words; each user
 * prefers two or three categories, visits them most of the time, and within a category picks items
 * with a Zipf-like popularity skew. Event types follow a funnel (views far outnumber purchases) and
 * ratings lean high in preferred categories. A few items are withdrawn or expired ({@link #stock}).
 * Output: {@code items.csv} and {@code events.csv} in
 * the generic format; writing streams, so 1M items and 10M events need little memory.
 */
public final class SyntheticData {
  static final String[] CATEGORIES = {"electronics", "books", "garden", "kitchen", "toys", "sports", "music",
      "movies", "fashion", "beauty", "automotive", "pets", "office", "health", "games", "travel", "food",
      "outdoors", "crafts", "baby"};
  private static final String[][] WORDS = {
      {"wireless", "battery", "screen", "charger", "bluetooth", "camera"}, {"novel", "chapter", "author", "story", "paperback", "poetry"},
      {"seeds", "soil", "hose", "flower", "shovel", "lawn"}, {"pan", "knife", "blender", "recipe", "oven", "kettle"},
      {"puzzle", "doll", "blocks", "robot", "plush", "kite"}, {"running", "yoga", "ball", "racket", "fitness", "bike"},
      {"guitar", "album", "vinyl", "piano", "drums", "jazz"}, {"film", "director", "drama", "comedy", "thriller", "bluray"},
      {"jacket", "dress", "shoes", "cotton", "denim", "scarf"}, {"lipstick", "serum", "perfume", "skin", "cream", "nail"},
      {"engine", "tyre", "oil", "brake", "wiper", "headlight"}, {"dog", "cat", "leash", "aquarium", "treats", "collar"},
      {"stapler", "notebook", "pen", "desk", "printer", "folder"}, {"vitamin", "bandage", "thermometer", "protein", "massage", "sleep"},
      {"console", "controller", "quest", "arcade", "multiplayer", "dice"}, {"suitcase", "passport", "backpack", "map", "pillow", "adapter"},
      {"coffee", "chocolate", "tea", "spices", "pasta", "honey"}, {"tent", "lantern", "hiking", "compass", "sleeping", "fishing"},
      {"yarn", "paint", "brush", "canvas", "glue", "beads"}, {"diaper", "stroller", "bottle", "crib", "rattle", "bib"}};
  private static final String[] ADJECTIVES = {"classic", "compact", "deluxe", "eco", "handy", "premium", "smart",
      "vintage", "bold", "gentle"};
  private static final String[] EVENT_TYPES = {"view", "click", "cart", "purchase", "rating"};
  private static final double[] EVENT_TYPE_CDF = {0.60, 0.85, 0.93, 0.97, 1.0};
  private static final long END_MILLIS = Instant.parse("2026-01-01T00:00:00Z").toEpochMilli();
  static final String EXPIRED = "2025-12-01T00:00:00Z";
  static final String NOT_EXPIRED = "2100-01-01T00:00:00Z";
  private static final long SPAN_MILLIS = 90L * 86_400_000L;

  private final int users;
  private final int items;
  private final long events;
  private final long seed;

  public SyntheticData(int users, int items, long events, long seed) {
    if (users < 1 || items < CATEGORIES.length || events < 0) {
      throw new IllegalArgumentException("Need at least 1 user, " + CATEGORIES.length + " items and 0 events.");
    }
    this.users = users;
    this.items = items;
    this.events = events;
    this.seed = seed;
  }

  /**
   * An item's available and expires_at fields: every 50th item (from i7) is withdrawn, every 50th
   * (from i13) expired before the events end, every 50th (from i19) expires long after; the rest are
   * plainly available. Fixed by the item number, so the random draws, and all data, stay as they were.
   */
  static String stock(int item) {
    return switch (item % 50) {
      case 7 -> "false,";
      case 13 -> "," + EXPIRED;
      case 19 -> "true," + NOT_EXPIRED;
      default -> ",";
    };
  }

  /** Writes items.csv and events.csv into {@code dir}, creating it. */
  public void write(Path dir) throws IOException {
    Files.createDirectories(dir);
    SplittableRandom rnd = new SplittableRandom(seed);
    int[] categoryOf = new int[items];
    try (BufferedWriter w = Files.newBufferedWriter(dir.resolve("items.csv"), StandardCharsets.UTF_8)) {
      w.write("item_id,title,category,description,available,expires_at\n");
      for (int i = 0; i < items; i++) {
        int c = i % CATEGORIES.length;
        categoryOf[i] = c;
        String[] words = WORDS[c];
        String title = ADJECTIVES[rnd.nextInt(ADJECTIVES.length)] + " " + words[rnd.nextInt(words.length)] + " " + i;
        String description = "A " + words[rnd.nextInt(words.length)] + " with " + words[rnd.nextInt(words.length)]
            + " for " + CATEGORIES[c] + " fans";
        w.write("i" + i + "," + title + "," + CATEGORIES[c] + "," + description + "," + stock(i) + "\n");
      }
    }
    int[][] itemsByCategory = new int[CATEGORIES.length][];
    double[][] cdfByCategory = new double[CATEGORIES.length][];
    for (int c = 0; c < CATEGORIES.length; c++) {
      int cc = c;
      itemsByCategory[c] = java.util.stream.IntStream.range(0, items).filter(i -> categoryOf[i] == cc).toArray();
      cdfByCategory[c] = zipfCdf(itemsByCategory[c].length, 1.0);
    }
    double[] userCdf = zipfCdf(users, 0.5);
    int[][] tastes = new int[users][];
    for (int u = 0; u < users; u++) {
      tastes[u] = rnd.ints(2 + rnd.nextInt(2), 0, CATEGORIES.length).toArray();
    }
    try (BufferedWriter w = Files.newBufferedWriter(dir.resolve("events.csv"), StandardCharsets.UTF_8)) {
      w.write("user_id,item_id,event_type,value,ts,event_id\n");
      StringBuilder line = new StringBuilder(96);
      for (long e = 0; e < events; e++) {
        int u = sample(userCdf, rnd.nextDouble());
        boolean preferred = rnd.nextDouble() < 0.85;
        int c = preferred ? tastes[u][rnd.nextInt(tastes[u].length)] : rnd.nextInt(CATEGORIES.length);
        int item = itemsByCategory[c][sample(cdfByCategory[c], rnd.nextDouble())];
        int type = sample(EVENT_TYPE_CDF, rnd.nextDouble());
        String value = type == 4 ? String.valueOf(preferred ? 3 + rnd.nextInt(3) : 1 + rnd.nextInt(3)) : "";
        long ts = (END_MILLIS - SPAN_MILLIS + (long) (rnd.nextDouble() * SPAN_MILLIS)) / 1000;
        line.setLength(0);
        line.append('u').append(u).append(",i").append(item).append(',').append(EVENT_TYPES[type]).append(',')
            .append(value).append(',').append(ts).append(",e").append(e).append('\n');
        w.append(line);
      }
    }
  }

  /** Cumulative probabilities of ranks 1..n with weight 1/rank^s. */
  static double[] zipfCdf(int n, double s) {
    double[] cdf = new double[n];
    double sum = 0;
    for (int r = 0; r < n; r++) {
      sum += 1.0 / Math.pow(r + 1, s);
      cdf[r] = sum;
    }
    for (int r = 0; r < n; r++) {
      cdf[r] /= sum;
    }
    return cdf;
  }

  /** The first index whose cumulative probability reaches {@code p}. */
  static int sample(double[] cdf, double p) {
    int i = Arrays.binarySearch(cdf, p);
    return Math.min(i >= 0 ? i : -i - 1, cdf.length - 1);
  }
}
