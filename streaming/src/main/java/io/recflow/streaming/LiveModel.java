package io.recflow.streaming;

import static org.apache.spark.sql.functions.col;

import io.recflow.core.FoldIn;
import io.recflow.core.InterestWeighting;
import io.recflow.core.ItemMatrix;
import io.recflow.core.ModelParams;
import io.recflow.core.Tables;
import io.recflow.core.Tables.Col;
import io.recflow.core.Tables.Source;
import io.recflow.spark.ModelTable;
import io.recflow.spark.Vectors;
import io.recflow.spark.Warehouse;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.broadcast.Broadcast;
import org.apache.spark.sql.Row;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The published model the stream folds users into. Before each micro-batch the writer asks for
 * the current one; when a newer version has been published since, its item factors are loaded,
 * YᵀY is computed once, and the fold-in is broadcast to the executors, so the switch happens at a
 * batch boundary without restarting the query.
 */
final class LiveModel {
  private static final Logger LOG = LoggerFactory.getLogger(LiveModel.class);

  /** A loaded model version and its broadcast fold-in. */
  record Loaded(long version, Broadcast<FoldIn> foldIn) {}

  private final Warehouse warehouse;
  private final InterestWeighting weighting;
  private long seenLogVersion = -1;
  private Loaded current;

  LiveModel(Warehouse warehouse, InterestWeighting weighting) {
    this.warehouse = warehouse;
    this.weighting = weighting;
  }

  /** The newest published model, reloaded if the registry changed; empty until one is published. */
  Optional<Loaded> current() {
    long logVersion = modelsLogVersion();
    if (logVersion != seenLogVersion) {
      // Reading the registry is a Spark job; a directory listing tells whether it can have changed.
      seenLogVersion = logVersion;
      new ModelTable(warehouse).latestPublished().ifPresent(v -> {
        if (current == null || current.version() != v) {
          ModelParams params = new ModelTable(warehouse).params(v);
          if (!params.weighting().equals(weighting)) {
            // Folding this state into that model would mix two weightings: keep the version we have.
            LOG.error("model version {} weights events differently ({}) from this stream's state ({}); the stream "
                + "keeps folding users into version {}. Start the stream with a new checkpoint (stream.checkpointDir) "
                + "to rebuild its state with the new weighting.", v, params.weighting(), weighting,
                current == null ? "none" : current.version());
            return;
          }
          Loaded previous = current;
          current = load(v, params);
          if (previous != null) {
            previous.foldIn().destroy();
          }
        }
      });
    }
    return Optional.ofNullable(current);
  }

  private Loaded load(long version, ModelParams params) {
    long start = System.nanoTime();
    double alpha = params.alpha();
    double reg = params.regParam();
    List<String> ids = new ArrayList<>();
    List<float[]> vectors = new ArrayList<>();
    Set<Integer> learned = new HashSet<>();
    for (Row r : warehouse.read(Tables.ITEM_FACTORS).filter(col(Col.MODEL_VERSION).equalTo(version))
        .select(Col.ID, Col.VECTOR, Col.SOURCE).orderBy(Col.ID).collectAsList()) {
      if (Source.ALS.equals(r.getString(2))) {
        learned.add(ids.size());
      }
      ids.add(r.getString(0));
      vectors.add(Vectors.toFloats(r.getList(1)));
    }
    if (learned.isEmpty()) {
      throw new IllegalStateException("published model version " + version + " has no ALS item factors in "
          + warehouse.path(Tables.ITEM_FACTORS) + "; the registry and the factor table disagree. Re-run the "
          + "nightly job (bin/recflow batch) to publish a complete version.");
    }
    FoldIn foldIn = new FoldIn(new ItemMatrix(ids, vectors), learned::contains, alpha, reg);
    Broadcast<FoldIn> b = JavaSparkContext.fromSparkContext(warehouse.spark().sparkContext()).broadcast(foldIn);
    LOG.info("stream now folds users into model version {} ({} items, alpha {}, regParam {}; loaded in {} ms)",
        version, ids.size(), alpha, reg, (System.nanoTime() - start) / 1_000_000);
    return new Loaded(version, b);
  }

  /** The newest commit number in the models table's Delta log, or -1 when there is no table. */
  private long modelsLogVersion() {
    Path log = new Path(warehouse.path(Tables.MODELS), "_delta_log");
    try {
      FileSystem fs = log.getFileSystem(warehouse.spark().sparkContext().hadoopConfiguration());
      if (!fs.exists(log)) {
        return -1;
      }
      long newest = -1;
      for (FileStatus f : fs.listStatus(log)) {
        String name = f.getPath().getName();
        if (name.endsWith(".json") && name.length() == 25) {
          newest = Math.max(newest, Long.parseLong(name.substring(0, 20)));
        }
      }
      return newest;
    } catch (IOException e) {
      throw new UncheckedIOException("cannot list " + log, e);
    }
  }
}
