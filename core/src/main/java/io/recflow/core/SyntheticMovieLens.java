package io.recflow.core;

import java.io.BufferedWriter;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.SplittableRandom;

/**
 * A film-rating data set in the MovieLens 1M layout ({@code movies.dat}, {@code ratings.dat},
 * {@code users.dat}, {@code ::}-separated), the same for the same seed, whose order carries signal
 * the way real viewing does. Films come out over the years, one or two genres each, and a third
 * of them belong to series of two to five films released in order. Each user watches from a start
 * date on at least 20 films, one after another: the next film of a series they are in (if it is
 * out), else a film of the genre they are in the mood for (a mood that drifts: it stays with
 * probability 0.7, else moves to one of their favourite genres), popular films more often, and
 * now and then whatever is new and popular. Ratings lean high for favourite genres. A model that
 * reads order (the series, the mood) can predict more than one that reads only the set of films.
 */
public final class SyntheticMovieLens {
  static final String[] GENRES = {"Action", "Adventure", "Animation", "Children's", "Comedy", "Crime", "Documentary",
      "Drama", "Fantasy", "Film-Noir", "Horror", "Musical", "Mystery", "Romance", "Sci-Fi", "Thriller", "War",
      "Western"};
  private static final String[] WORDS = {"Night", "River", "Return", "Shadow", "City", "Heart", "Storm", "King",
      "Summer", "Ghost", "Road", "Star", "Secret", "Fire", "Last", "Dream", "Stone", "Wild", "Blue", "Iron"};
  private static final long START = 946_684_800L; // 2000-01-01, seconds
  private static final long DAY = 86_400L;
  private static final int YEARS = 3;

  private final int users;
  private final int movies;
  private final int ratingsPerUser;
  private final long seed;

  /** @param ratingsPerUser the mean number of ratings per user (at least 20 each, as in ml-1m) */
  public SyntheticMovieLens(int users, int movies, int ratingsPerUser, long seed) {
    if (users < 1 || movies < 100 || ratingsPerUser < 20) {
      throw new IllegalArgumentException("need at least 1 user, 100 movies and 20 ratings per user");
    }
    this.users = users;
    this.movies = movies;
    this.ratingsPerUser = ratingsPerUser;
    this.seed = seed;
  }

  /** Writes movies.dat, ratings.dat and users.dat into {@code dir}, creating it; returns the number of ratings. */
  public long write(Path dir) throws IOException {
    Files.createDirectories(dir);
    SplittableRandom rnd = new SplittableRandom(seed);
    int[] genre = new int[movies];
    int[] second = new int[movies];
    long[] released = new long[movies];
    int[] next = new int[movies]; // the film after this one in its series, or -1
    Arrays.fill(next, -1);
    try (BufferedWriter w = Files.newBufferedWriter(dir.resolve("movies.dat"), StandardCharsets.ISO_8859_1)) {
      int m = 0;
      while (m < movies) {
        int length = rnd.nextDouble() < 0.33 ? 2 + rnd.nextInt(4) : 1;
        int g = rnd.nextInt(GENRES.length);
        int g2 = rnd.nextDouble() < 0.5 ? rnd.nextInt(GENRES.length) : g;
        String name = WORDS[rnd.nextInt(WORDS.length)] + " " + WORDS[rnd.nextInt(WORDS.length)];
        long date = START + (long) (rnd.nextDouble() * YEARS * 365 * DAY);
        for (int part = 0; part < length && m < movies; part++, m++) {
          genre[m] = g;
          second[m] = g2;
          released[m] = date;
          if (part > 0) {
            next[m - 1] = m;
          }
          date += 60 * DAY + (long) (rnd.nextDouble() * 240 * DAY);
          int year = 2000 + (int) ((released[m] - START) / (365 * DAY));
          w.write((m + 1) + "::" + name + (part > 0 ? " " + (part + 1) : "") + " (" + year + ")::" + GENRES[g]
              + (g2 != g ? "|" + GENRES[g2] : "") + "\n");
        }
      }
    }
    Integer[] byRelease = new Integer[movies];
    Arrays.setAll(byRelease, i -> i);
    Arrays.sort(byRelease, (a, b) -> Long.compare(released[a], released[b]));
    long[] releases = Arrays.stream(byRelease).mapToLong(i -> released[i]).toArray();
    double[] appeal = new double[movies]; // Zipf-like popularity, in random order over the films
    for (int i = 0; i < movies; i++) {
      appeal[i] = 1.0 / Math.pow(1 + rnd.nextInt(movies), 0.8);
    }
    long written = 0;
    try (BufferedWriter ratings = Files.newBufferedWriter(dir.resolve("ratings.dat"), StandardCharsets.ISO_8859_1);
         BufferedWriter people = Files.newBufferedWriter(dir.resolve("users.dat"), StandardCharsets.ISO_8859_1)) {
      for (int u = 0; u < users; u++) {
        people.write((u + 1) + "::" + (rnd.nextBoolean() ? "F" : "M") + "::" + (18 + 7 * rnd.nextInt(6)) + "::"
            + rnd.nextInt(21) + "::" + (10000 + rnd.nextInt(89999)) + "\n");
        int[] favourites = rnd.ints(2 + rnd.nextInt(2), 0, GENRES.length).toArray();
        int count = 20 + (int) (-Math.log(1 - rnd.nextDouble()) * (ratingsPerUser - 20));
        long t = START + (long) (rnd.nextDouble() * YEARS * 365 * DAY * 0.8);
        int mood = favourites[0];
        int series = -1;
        boolean[] seen = new boolean[movies];
        for (int r = 0; r < count; r++) {
          t += (long) (-Math.log(1 - rnd.nextDouble()) * (rnd.nextDouble() < 0.8 ? 3600 : 5 * DAY));
          int film = series >= 0 && released[series] <= t && !seen[series] ? series : -1;
          if (film < 0) {
            mood = rnd.nextDouble() < 0.7 ? mood : favourites[rnd.nextInt(favourites.length)];
            film = pick(rnd, seen, releases, t, appeal, genre, second, rnd.nextDouble() < 0.15 ? -1 : mood, byRelease);
          }
          while (film < 0) {
            // Nothing left to watch yet: the user comes back when the next film is out.
            int out = Arrays.binarySearch(releases, t + 1);
            int later = out >= 0 ? out : -out - 1;
            if (later == movies) {
              break;
            }
            t = releases[later];
            film = pick(rnd, seen, releases, t, appeal, genre, second, -1, byRelease);
          }
          if (film < 0) {
            break; // the user has seen every film there is
          }
          seen[film] = true;
          series = next[film];
          boolean liked = false;
          for (int g : favourites) {
            liked |= g == genre[film] || g == second[film];
          }
          int stars = Math.max(1, Math.min(5, (liked ? 4 : 3) + (int) Math.round(rnd.nextDouble() * 2 - 1)));
          ratings.write((u + 1) + "::" + (film + 1) + "::" + stars + "::" + t + "\n");
          written++;
        }
      }
    }
    return written;
  }

  /**
   * A film out by {@code t} (releases: the films' release times in {@code byRelease} order) and not
   * seen, drawn by appeal among those of {@code mood} (any genre when -1, then among the newest
   * hundred); -1 when there is none.
   */
  private int pick(SplittableRandom rnd, boolean[] seen, long[] releases, long t, double[] appeal, int[] genre,
                   int[] second, int mood, Integer[] byRelease) {
    int out = Arrays.binarySearch(releases, t + 1);
    int available = out >= 0 ? out : -out - 1;
    int from = mood < 0 ? Math.max(0, available - 100) : 0;
    double total = 0;
    for (int i = from; i < available; i++) {
      int f = byRelease[i];
      if (!seen[f] && (mood < 0 || genre[f] == mood || second[f] == mood)) {
        total += appeal[f];
      }
    }
    double x = rnd.nextDouble() * total;
    for (int i = from; i < available && total > 0; i++) {
      int f = byRelease[i];
      if (!seen[f] && (mood < 0 || genre[f] == mood || second[f] == mood)) {
        x -= appeal[f];
        if (x <= 0) {
          return f;
        }
      }
    }
    return mood < 0 ? -1 : pick(rnd, seen, releases, t, appeal, genre, second, -1, byRelease);
  }
}
