package io.recflow.training;

import static org.apache.spark.sql.functions.coalesce;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.concat;
import static org.apache.spark.sql.functions.concat_ws;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.sha2;

import io.recflow.core.ConfigException;
import io.recflow.core.Tables;
import io.recflow.core.Tables.Col;
import io.recflow.spark.Warehouse;
import java.sql.Timestamp;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;

/**
 * The nightly embedding step: embeds only the items that are new or whose text changed since they
 * were last embedded (compared by a hash of the model name and the text), and merges the vectors
 * into {@code item_embeddings}. On an unchanged catalog it embeds nothing.
 */
public final class ItemEmbeddings {
  private static final Pattern FIELD = Pattern.compile("\\{(title|attributes|text)}");
  private final Warehouse warehouse;
  private final Column text;

  public ItemEmbeddings(Warehouse warehouse, String template) {
    this.warehouse = warehouse;
    this.text = textColumn(template);
  }

  /** What the step did. */
  public record Report(long items, long embedded, double seconds) {
    @Override
    public String toString() {
      return String.format("%d of %d items embedded (%.1f items/s) with %s", embedded, items,
          seconds > 0 ? embedded / seconds : 0.0, EmbeddingModel.NAME);
    }
  }

  /** Embeds what changed in the catalog as of {@code itemsVersion}. */
  public Report run(long itemsVersion, Timestamp now) {
    warehouse.ensure(Tables.ITEM_EMBEDDINGS);
    Dataset<Row> items = warehouse.readAt(Tables.ITEMS, itemsVersion)
        .select(col(Col.ITEM_ID), text.as(Col.TEXT))
        .withColumn(Col.CONTENT_HASH, sha2(concat(lit(EmbeddingModel.NAME + "\n"), col(Col.TEXT)), 256));
    Dataset<Row> current = warehouse.read(Tables.ITEM_EMBEDDINGS).select(Col.ITEM_ID, Col.CONTENT_HASH);
    Dataset<Row> todo = items.join(current, items.col(Col.ITEM_ID).equalTo(current.col(Col.ITEM_ID))
            .and(items.col(Col.CONTENT_HASH).equalTo(current.col(Col.CONTENT_HASH))), "left_anti")
        .cache();
    long total = items.count();
    long n = todo.count();
    long t0 = System.nanoTime();
    if (n > 0) {
      Dataset<Row> vectors = EmbeddingModel.load(warehouse).embed(todo)
          .select(col(Col.ITEM_ID), lit(EmbeddingModel.NAME).as(Col.MODEL_NAME), col(Col.CONTENT_HASH),
              col(Col.VECTOR), lit(now).as(Col.UPDATED_AT));
      warehouse.delta(Tables.ITEM_EMBEDDINGS).as("t")
          .merge(vectors.as("s"), "t." + Col.ITEM_ID + " = s." + Col.ITEM_ID)
          .whenMatched().updateAll()
          .whenNotMatched().insertAll()
          .execute();
    }
    todo.unpersist();
    return new Report(total, n, (System.nanoTime() - t0) / 1e9);
  }

  /**
   * Embeds a catalog outside the nightly job (for evaluation and tuning): item_id and vector for
   * every row of {@code items}, cached. Vectors the warehouse already holds for the same model and
   * text (same content hash) are reused, so a catalog the nightly job embedded costs nothing here;
   * the model is prepared under {@code warehouse}.
   */
  public static Dataset<Row> embedCatalog(Warehouse warehouse, Dataset<Row> items, String template) {
    Dataset<Row> texts = items.select(col(Col.ITEM_ID), textColumn(template).as(Col.TEXT))
        .withColumn(Col.CONTENT_HASH, sha2(concat(lit(EmbeddingModel.NAME + "\n"), col(Col.TEXT)), 256));
    if (!warehouse.exists(Tables.ITEM_EMBEDDINGS)) {
      return EmbeddingModel.load(warehouse).embed(texts).select(Col.ITEM_ID, Col.VECTOR).cache();
    }
    Dataset<Row> stored = warehouse.read(Tables.ITEM_EMBEDDINGS).select(Col.ITEM_ID, Col.CONTENT_HASH, Col.VECTOR);
    Dataset<Row> known = texts.join(stored, texts.col(Col.ITEM_ID).equalTo(stored.col(Col.ITEM_ID))
            .and(texts.col(Col.CONTENT_HASH).equalTo(stored.col(Col.CONTENT_HASH))))
        .select(texts.col(Col.ITEM_ID), stored.col(Col.VECTOR));
    Dataset<Row> todo = texts.join(known, texts.col(Col.ITEM_ID).equalTo(known.col(Col.ITEM_ID)), "left_anti");
    Dataset<Row> embedded = todo.isEmpty() ? known.limit(0)
        : EmbeddingModel.load(warehouse).embed(todo).select(Col.ITEM_ID, Col.VECTOR);
    return known.unionByName(embedded).cache();
  }

  /** Builds the text column from a template such as "{title}. {attributes}. {text}". */
  static Column textColumn(String template) {
    List<Column> parts = new ArrayList<>();
    Matcher m = FIELD.matcher(template);
    int last = 0;
    while (m.find()) {
      parts.add(lit(template.substring(last, m.start())));
      parts.add(switch (m.group(1)) {
        case "title" -> coalesce(col(Col.TITLE), lit(""));
        case "attributes" -> concat_ws(", ", col(Col.ATTRIBUTES));
        default -> coalesce(col(Col.TEXT), lit(""));
      });
      last = m.end();
    }
    parts.add(lit(template.substring(last)));
    if (parts.size() == 1) {
      throw new ConfigException("embedding.textTemplate '" + template + "' uses none of {title}, {attributes}, "
          + "{text}; every item would get the same vector.");
    }
    return concat(parts.toArray(Column[]::new));
  }
}
