package io.recflow.batch;

import static org.apache.spark.sql.functions.lit;

import io.recflow.core.ConfigException;
import io.recflow.core.EventValidator;
import io.recflow.core.ModelParams;
import io.recflow.core.RecflowConfig;
import io.recflow.core.Settings;
import io.recflow.core.TableDef;
import io.recflow.core.Tables;
import io.recflow.core.Tables.Col;
import io.recflow.core.Tables.Source;
import io.recflow.core.Tables.Status;
import io.recflow.evaluation.ColdItemEvaluator;
import io.recflow.evaluation.EvalResult;
import io.recflow.evaluation.Evaluator;
import io.recflow.evaluation.NextItemEvaluator;
import io.recflow.evaluation.Splits;
import io.recflow.ingest.CatalogIngest;
import io.recflow.ingest.Ingest;
import io.recflow.ingest.IngestReport;
import io.recflow.ingest.Input;
import io.recflow.online.Attribution;
import io.recflow.privacy.ErasureJob;
import io.recflow.publish.Gate;
import io.recflow.publish.ModelRegistry;
import io.recflow.ranking.RankingPipeline;
import io.recflow.sequence.SequenceModel;
import io.recflow.spark.Schemas;
import io.recflow.spark.Warehouse;
import io.recflow.training.AlsTrainer;
import io.recflow.training.CoVisitationCounts;
import io.recflow.training.ContentProjection;
import io.recflow.training.InterestModel;
import io.recflow.training.ItemEmbeddings;
import io.recflow.training.ItemNeighbors;
import io.recflow.training.Popularity;
import io.recflow.training.RankerTrainer;
import io.recflow.training.RankingInputs;
import java.nio.charset.StandardCharsets;
import java.sql.Timestamp;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;

/**
 * The nightly job, end to end: ingest, interest model, ALS, ranking inputs and ranker, sequence
 * model, tables, evaluation, gate, publication.
 * Each model version's rows are written before its status changes, so readers that take the newest
 * published version never see a half-written model.
 */
public final class NightlyJob {
  private final Warehouse warehouse;
  private final RecflowConfig config;
  private final StageLog log = new StageLog();

  public NightlyJob(Warehouse warehouse, RecflowConfig config) {
    this.warehouse = warehouse;
    this.config = config;
  }

  /** What a run did, for the summary and for tests. */
  public record Report(IngestReport ingest, CatalogIngest.Report catalog, long modelVersion, String status,
                       String note, long interactions, List<EvalResult> results, List<String> stages,
                       double seconds) {}

  /** Runs the job on an input at time {@code now}. */
  public Report run(Input input, Timestamp now) {
    List<String> protocols = protocols(config);
    // Erasures first: the ingest then keeps erased users out, and nothing trains on them.
    log.run("erase", () -> new ErasureJob(warehouse, config).run(List.of()), ErasureJob.Report::toString);
    IngestReport ingest = log.run("ingest", () -> new Ingest(warehouse, EventValidator.from(config)).run(input, now),
        IngestReport::toString);
    // Each run rewrites the attribution of clicks and purchases to the lists shown (experiments).
    log.run("attribute", () -> Attribution.run(warehouse, config, now), Attribution.Report::toString);
    CatalogIngest.Report catalog = log.run("catalog", () -> new CatalogIngest(warehouse).run(input, now),
        CatalogIngest.Report::toString);
    if (config.get(Settings.EMBEDDING_ENABLED)) {
      log.run("embed", () -> new ItemEmbeddings(warehouse, config.get(Settings.EMBEDDING_TEMPLATE))
          .run(catalog.itemsVersion(), now), ItemEmbeddings.Report::toString);
    }
    ModelParams params = ModelParams.from(config);
    ModelRegistry registry = new ModelRegistry(warehouse);
    Map<String, Long> inputs = Map.of(Tables.EVENTS.name(), ingest.eventsVersion(), Tables.ITEMS.name(),
        catalog.itemsVersion());
    long version = registry.begin(params, inputs, now);
    try {
      Dataset<Row> interactions = InterestModel.interactions(warehouse.readAt(Tables.EVENTS, ingest.eventsVersion()),
          params.weighting()).cache();
      long pairs = log.run("interest", interactions::count, n -> n + " (user, item) pairs");
      Dataset<Row> embeddings = config.get(Settings.EMBEDDING_ENABLED)
          ? warehouse.read(Tables.ITEM_EMBEDDINGS).select(Col.ITEM_ID, Col.VECTOR) : null;
      AlsTrainer.Factors factors = log.run("train", () -> AlsTrainer.train(interactions, params),
          f -> f.users().count() + " user and " + f.items().count() + " item factors, " + params);
      Dataset<Row> itemFactors = factors.items().withColumn(Col.SOURCE, lit(Source.ALS));
      if (embeddings != null) {
        ContentProjection.Result cold = log.run("project", () -> ContentProjection.fit(factors.items(), embeddings,
            config.get(Settings.PROJECTION_LAMBDA)),
            p -> "fitted on " + p.trainedOn() + " items; " + p.coldFactors().count() + " cold items placed");
        itemFactors = itemFactors.unionByName(cold.coldFactors());
      }
      Dataset<Row> allItemFactors = itemFactors;
      log.run("write", () -> {
        writeVersioned(Tables.USER_FACTORS, factors.users().withColumn(Col.SOURCE, lit(Source.ALS)), version);
        writeVersioned(Tables.ITEM_FACTORS, allItemFactors, version);
        Dataset<Row> pop = Popularity.scores(interactions, config.get(Settings.POPULARITY_HALF_LIFE_DAYS));
        writeVersioned(Tables.POPULARITY, pop, version);
        return version;
      }, v -> "factors and popularity of model version " + v);
      log.run("neighbors", () -> writeNeighbors(allItemFactors, embeddings, version),
          n -> n + " similar-item rows (top " + config.get(Settings.NEIGHBORS_K) + " by cf"
              + (embeddings == null ? ")" : " and by content)"));
      // The ranker's split (ranker.labelSplit): its features, and the sequence model behind one of
      // them, see only the interactions before the cutoff; its labels are those after it.
      Splits.Split rankSplit = Splits.forRanker(interactions, config.get(Settings.RANKER_LABEL_SPLIT),
          config.get(Settings.RANKER_HOLDOUT));
      SequenceModel sequence = !config.get(Settings.SEQUENCE_ENABLED) ? null
          : log.run("sequence", () -> new SequenceStage(warehouse, config).run(rankSplit.train(),
              allItemFactors.select(Col.ID, Col.VECTOR), embeddings, version, now),
              r -> (r.beatsPopularity() ? Status.PUBLISHED : Status.REJECTED)
                  + " (validation nDCG@10 against popularity's): " + r.metrics()).usable();
      log.run("rank", () -> writeRanking(interactions, rankSplit, embeddings, sequence, version, now),
          t -> "item stats, co-visitation and " + (t.model() == null ? "no ranker (fewer than "
              + RankerTrainer.MIN_LISTS + " labelled lists after the split): " + t.metrics()
              : "a ranker trained on a " + config.get(Settings.RANKER_LABEL_SPLIT) + " split: " + t.metrics() + ", "
              + (t.beatsAlsOrder() ? Status.PUBLISHED : Status.REJECTED + " (it does not beat the ALS order)")));
      rankSplit.train().unpersist();
      Dataset<Row> attributes = warehouse.readAt(Tables.ITEMS, catalog.itemsVersion());
      List<EvalResult> results = new ArrayList<>();
      for (String protocol : protocols) {
        results.addAll(log.run("eval:" + protocol, () -> evaluate(protocol, interactions, attributes, embeddings),
            r -> gateLine(r, protocol)));
      }
      writeEvalRuns(results, version, now);
      Gate gate = Gate.decide(results, config);
      registry.finish(version, gate.passed() ? Status.PUBLISHED : Status.REJECTED, metrics(results), gate.note());
      interactions.unpersist();
      return new Report(ingest, catalog, version, gate.passed() ? Status.PUBLISHED : Status.REJECTED, gate.note(),
          pairs, results, log.lines(), log.elapsedSeconds());
    } catch (RuntimeException e) {
      registry.finish(version, Status.FAILED, Map.of(), String.valueOf(e.getMessage()));
      throw e;
    }
  }

  private List<EvalResult> evaluate(String protocol, Dataset<Row> interactions, Dataset<Row> attributes,
                                    Dataset<Row> embeddings) {
    if (protocol.equals(ColdItemEvaluator.PROTOCOL)) {
      return ColdItemEvaluator.from(config).evaluate(interactions, embeddings, attributes);
    }
    if (protocol.equals(NextItemEvaluator.PROTOCOL)) {
      return NextItemEvaluator.from(config).evaluate(interactions, embeddings);
    }
    Splits.Split split = Splits.of(protocol, interactions, config.get(Settings.EVAL_SEED));
    return Evaluator.from(config).evaluate(split, attributes, embeddings);
  }

  /** The evaluation protocols a configuration asks for, validated before any work starts. */
  static List<String> protocols(RecflowConfig config) {
    List<String> protocols = Arrays.stream(config.get(Settings.EVAL_PROTOCOLS).split(","))
        .map(String::trim).filter(s -> !s.isEmpty()).toList();
    for (String p : protocols) {
      if (!List.of("stratified", "chronological", ColdItemEvaluator.PROTOCOL, NextItemEvaluator.PROTOCOL)
          .contains(p)) {
        throw new ConfigException("eval.protocols names unknown protocol '" + p + "'; use stratified, "
            + "chronological, cold-items and/or next-item.");
      }
      if (p.equals(ColdItemEvaluator.PROTOCOL) && !config.get(Settings.EMBEDDING_ENABLED)) {
        throw new ConfigException("eval.protocols includes cold-items, which needs the item embeddings, but "
            + "embedding.enabled is false. Enable embeddings or drop cold-items.");
      }
    }
    if (!protocols.contains(config.get(Settings.GATE_PROTOCOL))) {
      throw new ConfigException("gate.protocol " + config.get(Settings.GATE_PROTOCOL) + " is not among "
          + "eval.protocols (" + String.join(",", protocols) + "); the gate needs that evaluation. Add it.");
    }
    return protocols;
  }

  private String gateLine(List<EvalResult> results, String protocol) {
    String metric = config.get(Settings.GATE_METRIC);
    Map<String, Double> byModel = new LinkedHashMap<>();
    results.stream().filter(r -> r.metric().equals(metric)).forEach(r -> byModel.put(r.model(), r.value()));
    return protocol + " " + metric + "@" + config.get(Settings.EVAL_K) + " " + byModel;
  }

  private void writeVersioned(TableDef table, Dataset<Row> rows, long version) {
    warehouse.append(table, rows.withColumn(Col.MODEL_VERSION, lit(version)));
  }

  /**
   * What the server's ranking reads besides factors: item stats and co-visitation as of the newest
   * interaction, and the ranker, trained on its split (features before the cutoff, labels after)
   * and stored as published only when it beats the ALS order on its cross-validation lists.
   */
  private RankerTrainer.Trained writeRanking(Dataset<Row> interactions, Splits.Split split, Dataset<Row> embeddings,
                                             SequenceModel sequence, long version, Timestamp now) {
    RankingInputs inputs = RankingInputs.from(config);
    long newest = RankingInputs.newestMillis(interactions);
    writeVersioned(Tables.ITEM_STATS, inputs.itemStats(interactions, newest), version);
    writeVersioned(Tables.CO_VISITATION, CoVisitationCounts.compute(interactions,
        config.get(Settings.COVISIT_HALF_LIFE_DAYS)), version);
    RankerTrainer.Trained trained = RankerTrainer.from(config).fit(split.train(), split.test(), embeddings,
        sequence, RankingPipeline.from(config));
    if (trained.model() == null) {
      return trained;
    }
    Row row = RowFactory.create(version, trained.beatsAlsOrder() ? Status.PUBLISHED : Status.REJECTED,
        trained.features().toArray(new String[0]), new String(trained.model(), StandardCharsets.UTF_8),
        trained.metrics(), now);
    warehouse.append(Tables.RANKERS, warehouse.spark().createDataFrame(List.of(row), Schemas.of(Tables.RANKERS)));
    return trained;
  }

  /** Similar items by ALS factors and, when there are embeddings, by content; returns the row count. */
  private long writeNeighbors(Dataset<Row> itemFactors, Dataset<Row> embeddings, long version) {
    int k = config.get(Settings.NEIGHBORS_K);
    int probes = config.get(Settings.NEIGHBORS_PROBES);
    long seed = config.get(Settings.ALS_SEED);
    Dataset<Row> neighbors = ItemNeighbors.compute(itemFactors.select(Col.ID, Col.VECTOR), k, probes, seed)
        .withColumn(Col.KIND, lit("cf"));
    if (embeddings != null) {
      neighbors = neighbors.unionByName(ItemNeighbors.compute(embeddings, k, probes, seed)
          .withColumn(Col.KIND, lit("content")));
    }
    Dataset<Row> all = neighbors;
    warehouse.ensure(Tables.ITEM_NEIGHBORS);
    return warehouse.commitMetrics(Tables.ITEM_NEIGHBORS, () -> writeVersioned(Tables.ITEM_NEIGHBORS, all, version))
        .getOrDefault("numOutputRows", 0L);
  }

  private void writeEvalRuns(List<EvalResult> results, long version, Timestamp now) {
    List<Row> rows = results.stream().map(r -> RowFactory.create(version, r.protocol(),
        r.model(), r.metric(), r.k(), r.value(), now)).toList();
    warehouse.append(Tables.EVAL_RUNS, warehouse.spark().createDataFrame(rows, Schemas.of(Tables.EVAL_RUNS)));
  }

  private static Map<String, Double> metrics(List<EvalResult> results) {
    Map<String, Double> m = new LinkedHashMap<>();
    results.forEach(r -> m.put(r.protocol() + "." + r.model() + "." + r.metric(), r.value()));
    return m;
  }
}
