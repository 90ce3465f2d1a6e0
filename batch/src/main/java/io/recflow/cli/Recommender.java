package io.recflow.cli;

import static org.apache.spark.sql.functions.col;

import io.recflow.core.ItemMatrix;
import io.recflow.core.Tables;
import io.recflow.core.Tables.Col;
import io.recflow.spark.ModelTable;
import io.recflow.spark.Vectors;
import io.recflow.spark.Warehouse;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.apache.spark.sql.Row;

/**
 * Top-k recommendations from the newest published model, read straight from the warehouse. It
 * serves the command line and tests; online traffic goes to the serving module instead.
 */
public final class Recommender {
  private final Warehouse warehouse;
  private final long version;
  private final ItemMatrix items;
  private final Map<String, String> titles = new HashMap<>();

  private Recommender(Warehouse warehouse, long version) {
    this.warehouse = warehouse;
    this.version = version;
    this.items = Vectors.collectMatrix(warehouse.read(Tables.ITEM_FACTORS)
        .filter(col(Col.MODEL_VERSION).equalTo(version)).select(Col.ID, Col.VECTOR));
    for (Row r : warehouse.read(Tables.ITEMS).select(Col.ITEM_ID, Col.TITLE).collectAsList()) {
      titles.put(r.getString(0), r.getString(1));
    }
  }

  /** A recommender over the newest published model, if there is one. */
  public static Optional<Recommender> latest(Warehouse warehouse) {
    return new ModelTable(warehouse).latestPublished().map(v -> new Recommender(warehouse, v));
  }

  /** One recommended item. */
  public record Item(String itemId, String title, double score) {}

  public long version() {
    return version;
  }

  /** Some user of the model, for demos: the smallest id. */
  public String sampleUser() {
    return warehouse.read(Tables.USER_FACTORS).filter(col(Col.MODEL_VERSION).equalTo(version))
        .select(Col.ID).orderBy(Col.ID).head().getString(0);
  }

  /** The user's top-k unseen items; empty when the model does not know the user. */
  public List<Item> recommend(String userId, int k) {
    List<Row> v = warehouse.read(Tables.USER_FACTORS)
        .filter(col(Col.MODEL_VERSION).equalTo(version).and(col(Col.ID).equalTo(userId)))
        .select(Col.VECTOR).collectAsList();
    if (v.isEmpty()) {
      return List.of();
    }
    float[] user = Vectors.toFloats(v.get(0).getList(0));
    Set<Integer> seen = new HashSet<>();
    for (Row r : warehouse.read(Tables.EVENTS).filter(col(Col.USER_ID).equalTo(userId)).select(Col.ITEM_ID)
        .distinct().collectAsList()) {
      seen.add(items.row(r.getString(0)));
    }
    List<Item> out = new ArrayList<>();
    for (int row : items.topK(user, k, seen::contains)) {
      out.add(new Item(items.id(row), titles.getOrDefault(items.id(row), ""), items.score(user, row)));
    }
    return out;
  }

  /** A numbered list for the console. */
  public static String format(List<Item> items) {
    StringBuilder sb = new StringBuilder();
    for (int i = 0; i < items.size(); i++) {
      Item it = items.get(i);
      sb.append(String.format("  %2d. %-10s %-60s %.3f%n", i + 1, it.itemId(), it.title(), it.score()));
    }
    return sb.toString();
  }
}
