import io.recflow.core.ItemMatrix;
import io.recflow.sequence.SequenceModel;
import io.recflow.sequence.SequenceParams;
import io.recflow.training.SequenceTrainer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The sequence model alone under the next-item split (run by bench/sequence-training.sh), without
 * Spark or text, so that a training change can be judged over several seeds in minutes: each user's
 * newest rating (by time, then item id) is the test item, the one before it the validation item,
 * the rest trains. Test items the training side never saw count as misses. Arguments: ratings.csv,
 * minutes, seed, co-occurrence sketch (true/false). Prints one table row.
 */
public class SequenceTraining {
  public static void main(String[] args) throws Exception {
    Map<String, List<String[]>> byUser = new TreeMap<>();
    List<String> lines = Files.readAllLines(Path.of(args[0]));
    for (String line : lines.subList(1, lines.size())) {
      String[] f = line.split(",");
      byUser.computeIfAbsent(f[0], k -> new ArrayList<>()).add(new String[] {f[1], f[3]});
    }
    Map<String, Integer> rows = new HashMap<>();
    List<String> ids = new ArrayList<>();
    Map<String, List<String>> histories = new TreeMap<>();
    byUser.forEach((user, ratings) -> {
      ratings.sort(Comparator.<String[]>comparingLong(r -> Long.parseLong(r[1])).thenComparing(r -> r[0]));
      if (ratings.size() >= 3) {
        List<String> items = ratings.stream().map(r -> r[0]).toList();
        histories.put(user, items);
        for (String item : items.subList(0, items.size() - 2)) {
          rows.computeIfAbsent(item, k -> {
            ids.add(k);
            return ids.size() - 1;
          });
        }
      }
    });
    Map<String, int[]> train = new HashMap<>();
    Map<String, int[]> beforeTest = new HashMap<>();
    Map<String, Integer> validation = new HashMap<>();
    Map<String, Integer> test = new HashMap<>();
    histories.forEach((user, items) -> {
      int n = items.size();
      train.put(user, items.subList(0, n - 2).stream().mapToInt(rows::get).toArray());
      beforeTest.put(user, items.subList(0, n - 1).stream().filter(rows::containsKey).mapToInt(rows::get).toArray());
      validation.put(user, rows.getOrDefault(items.get(n - 2), -1));
      test.put(user, rows.getOrDefault(items.get(n - 1), -1));
    });
    validation.values().removeIf(r -> r < 0);
    ItemMatrix catalog = new ItemMatrix(ids, java.util.Collections.nCopies(ids.size(), new float[0]));
    SequenceTrainer trainer = new SequenceTrainer(new SequenceParams(50, 64, 2, 1), 1000, 10,
        Double.parseDouble(args[1]), 32, 0.001, 1024, 0.2, 0, Boolean.parseBoolean(args[3]), Long.parseLong(args[2]));
    SequenceTrainer.Trained trained = trainer.fit(catalog, null, train, validation);
    double[] figures = score(trained.model(), beforeTest, test);
    System.out.printf(java.util.Locale.ROOT, "| %s | %s | %.4f | %.4f | %.4f | %.0f of %.0f | %.0f s |%n", args[3],
        args[2], trained.metrics().get("validation_ndcg"), figures[1], figures[0], trained.metrics().get("best_epoch"),
        trained.metrics().get("epochs"), trained.metrics().get("seconds"));
  }

  /** HR@10 and nDCG@10 over every user with a test item; a test item training never saw is a miss. */
  private static double[] score(SequenceModel model, Map<String, int[]> histories, Map<String, Integer> test) {
    Map<String, Integer> known = new HashMap<>(test);
    known.values().removeIf(r -> r < 0);
    double[] figures = SequenceTrainer.validate(model, histories, known);
    double share = (double) known.size() / test.size();
    return new double[] {figures[0] * share, figures[1] * share};
  }
}
