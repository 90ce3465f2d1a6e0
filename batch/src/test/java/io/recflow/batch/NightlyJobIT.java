package io.recflow.batch;

import static org.apache.spark.sql.functions.col;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.recflow.cli.Recommender;
import io.recflow.core.ColumnDef;
import io.recflow.core.ModelParams;
import io.recflow.core.RecflowConfig;
import io.recflow.core.Settings;
import io.recflow.core.TableDef;
import io.recflow.core.Tables;
import io.recflow.core.Tables.Col;
import io.recflow.core.Tables.Status;
import io.recflow.evaluation.EvalResult;
import io.recflow.ingest.Input;
import io.recflow.publish.ModelRegistry;
import io.recflow.ranking.CoVisitation;
import io.recflow.ranking.Features;
import io.recflow.ranking.Ranker;
import io.recflow.ranking.RankingPipeline;
import io.recflow.sequence.SequenceModel;
import io.recflow.sequence.SequenceParams;
import io.recflow.sequence.SequenceWeights;
import io.recflow.spark.ModelTable;
import io.recflow.spark.Schemas;
import io.recflow.spark.SparkFixture;
import io.recflow.spark.Vectors;
import io.recflow.spark.Warehouse;
import io.recflow.training.RankerTrainer;
import java.nio.file.Path;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.functions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The whole nightly job on a small synthetic shop, run once and inspected by each test. */
class NightlyJobIT {
  private static final Timestamp NOW = Timestamp.from(Instant.parse("2026-01-02T00:00:00Z"));
  private static Warehouse warehouse;
  private static RecflowConfig config;
  private static Input input;
  private static NightlyJob.Report report;

  @BeforeAll
  static void runOnce() {
    Path data = SparkFixture.syntheticData(300, 600, 30_000);
    // A few epochs of the sequence model: this shop's order carries no signal, and the stage's
    // storage and gate are what is tested here (SequenceTrainerIT tests its learning).
    config = SparkFixture.config(Map.of("input.format", "csv", "input.path", data.toString(),
        "sequence.epochs", "4"));
    warehouse = SparkFixture.newWarehouse();
    input = Input.read(SparkFixture.spark(), config);
    report = new NightlyJob(warehouse, config).run(input, NOW);
  }

  @Test
  void publishesAModelThatBeatsPopularity() {
    assertEquals(Status.PUBLISHED, report.status(), report.note());
    for (String protocol : List.of("stratified", "chronological")) {
      double als = value(protocol, "als", "ndcg");
      double pop = value(protocol, "popularity", "ndcg");
      double random = value(protocol, "random", "ndcg");
      assertTrue(als > pop, protocol + ": als " + als + " vs popularity " + pop);
      assertTrue(pop > random, protocol + ": popularity " + pop + " vs random " + random);
      double hybrid = value(protocol, "hybrid", "ndcg");
      assertTrue(hybrid > pop, protocol + ": the hybrid ranking is evaluated too and beats popularity: " + hybrid);
    }
  }

  @Test
  void everyTableOnDiskHasTheContractsColumnsTypesPartitioningAndNoNullWhereItPromisesNone() {
    int checked = 0;
    for (TableDef t : Tables.ALL) {
      if (!warehouse.exists(t)) {
        continue;
      }
      checked++;
      // Delta stores every column as nullable; "never null" is checked on the rows instead.
      assertEquals(Schemas.of(t).asNullable().treeString(), warehouse.read(t).schema().treeString(), t.name());
      List<String> partitions = warehouse.delta(t).detail().select("partitionColumns").head().getList(0);
      assertEquals(t.partitionBy(), partitions, t.name());
      for (ColumnDef c : t.columns()) {
        if (!c.nullable()) {
          assertEquals(0, warehouse.read(t).filter(col(c.name()).isNull()).count(), t.name() + "." + c.name());
        }
      }
    }
    // All but the stream's tables (StreamJobIT and ExposureStreamIT check them) and the erasure tables,
    // written only once a user is erased: the nightly job wrote them.
    assertEquals(Tables.ALL.size() - 4, checked);
  }

  private static double value(String protocol, String model, String metric) {
    return report.results().stream()
        .filter(r -> r.protocol().equals(protocol) && r.model().equals(model) && r.metric().equals(metric))
        .mapToDouble(EvalResult::value).findFirst().orElseThrow();
  }

  @Test
  void writesEveryTableForTheVersion() {
    long v = report.modelVersion();
    long users = warehouse.read(Tables.EVENTS).select(Col.USER_ID).distinct().count();
    long items = warehouse.read(Tables.EVENTS).select(Col.ITEM_ID).distinct().count();
    assertEquals(30_000, warehouse.read(Tables.EVENTS).count());
    assertEquals(600, warehouse.read(Tables.ITEMS).count());
    assertEquals(users, warehouse.read(Tables.USER_FACTORS).filter(col(Col.MODEL_VERSION).equalTo(v)).count());
    assertEquals(items, warehouse.read(Tables.ITEM_FACTORS).filter(col(Col.MODEL_VERSION).equalTo(v)).count());
    Row factor = warehouse.read(Tables.ITEM_FACTORS).head();
    assertEquals(16, factor.getList(factor.fieldIndex(Col.VECTOR)).size());
    assertTrue(warehouse.read(Tables.POPULARITY).filter(col(Col.MODEL_VERSION).equalTo(v)).count() > 0);
    assertEquals(report.results().size(),
        warehouse.read(Tables.EVAL_RUNS).filter(col(Col.MODEL_VERSION).equalTo(v)).count());
  }

  @Test
  void writesTheRankingsInputsAndARankerGatedAgainstTheAlsOrder() {
    long v = report.modelVersion();
    long items = warehouse.read(Tables.EVENTS).select(Col.ITEM_ID).distinct().count();
    assertEquals(items, warehouse.read(Tables.ITEM_STATS).filter(col(Col.MODEL_VERSION).equalTo(v)).count());
    Dataset<Row> coVisits = warehouse.read(Tables.CO_VISITATION).filter(col(Col.MODEL_VERSION).equalTo(v));
    assertTrue(coVisits.count() > 0);
    assertTrue(coVisits.groupBy(Col.ITEM_ID).count().agg(functions.max("count")).head().getLong(0)
        <= CoVisitation.KEEP);
    Row ranker = warehouse.read(Tables.RANKERS).filter(col(Col.MODEL_VERSION).equalTo(v)).head();
    List<String> features = ranker.getList(ranker.fieldIndex(Col.FEATURES));
    Features expected = RankingPipeline.from(config).features();
    assertEquals(expected.names(), features);
    Map<String, Double> metrics = ranker.getJavaMap(ranker.fieldIndex(Col.METRICS));
    boolean better = metrics.get("ndcg_ranker") > metrics.get("ndcg_als_order");
    assertEquals(better ? Status.PUBLISHED : Status.REJECTED, ranker.getString(ranker.fieldIndex(Col.STATUS)));
    assertTrue(metrics.get("lists") >= RankerTrainer.MIN_LISTS, metrics.toString());
    // The stored model is what the server scores: it parses and reads exactly these features.
    Ranker parsed = Ranker.trained(ranker.getString(ranker.fieldIndex(Col.MODEL_JSON)).getBytes(
        java.nio.charset.StandardCharsets.UTF_8), features, expected.names(), metrics.get(Ranker.PRIOR_CONTENT_WEIGHT));
    assertEquals(config.get(Settings.HYBRID_WEIGHT), metrics.get(Ranker.PRIOR_CONTENT_WEIGHT));
    assertTrue(parsed.trained());
    for (String protocol : List.of("stratified", "chronological")) {
      assertTrue(value(protocol, "served", "ndcg") > value(protocol, "popularity", "ndcg"), protocol);
    }
  }

  @Test
  void storesTheSequenceModelCompleteWithItsGateDecision() {
    long v = report.modelVersion();
    Row row = warehouse.read(Tables.SEQUENCE_MODELS).filter(col(Col.MODEL_VERSION).equalTo(v)).head();
    Map<String, Double> metrics = row.getJavaMap(row.fieldIndex(Col.METRICS));
    boolean better = metrics.get("validation_ndcg") > metrics.get("popularity_validation_ndcg");
    assertEquals(better ? Status.PUBLISHED : Status.REJECTED, row.getString(row.fieldIndex(Col.STATUS)));
    SequenceParams params = SequenceParams.fromMap(row.getJavaMap(row.fieldIndex(Col.PARAMS)));
    assertEquals(SequenceParams.from(config), params);

    Map<String, float[]> weights = new java.util.HashMap<>();
    for (Row w : warehouse.read(Tables.SEQUENCE_WEIGHTS).filter(col(Col.MODEL_VERSION).equalTo(v)).collectAsList()) {
      weights.put(w.getString(w.fieldIndex(Col.NAME)), Vectors.toFloats(w.getList(w.fieldIndex(Col.VECTOR))));
    }
    assertEquals(new java.util.HashSet<>(SequenceWeights.names(params)), weights.keySet());
    Dataset<Row> items = warehouse.read(Tables.SEQUENCE_ITEMS).filter(col(Col.MODEL_VERSION).equalTo(v));
    assertEquals(warehouse.read(Tables.ITEM_FACTORS).filter(col(Col.MODEL_VERSION).equalTo(v)).count(), items.count());
    // What is stored is a whole model: it loads and answers a history.
    SequenceModel model = new SequenceModel(params, Vectors.collectMatrix(items.select(Col.ID, Col.VECTOR)), weights);
    assertEquals(params.dim(), model.query(new int[] {0, 1, 2}).length);
  }

  @Test
  void theModelsRowRecordsInputsParamsAndMetrics() {
    Row m = warehouse.read(Tables.MODELS).filter(col(Col.MODEL_VERSION).equalTo(report.modelVersion())).head();
    Map<String, Long> inputs = m.getJavaMap(m.fieldIndex(Col.INPUT_VERSIONS));
    assertEquals(report.ingest().eventsVersion(), inputs.get(Tables.EVENTS.name()));
    Map<String, String> params = m.getJavaMap(m.fieldIndex(Col.PARAMS));
    assertEquals("16", params.get("als.rank"));
    Map<String, Double> metrics = m.getJavaMap(m.fieldIndex(Col.METRICS));
    assertEquals(value("stratified", "als", "ndcg"), metrics.get("stratified.als.ndcg"), 1e-12);
    assertFalse(m.isNullAt(m.fieldIndex(Col.PUBLISHED_AT)));
  }

  @Test
  void aVersionThatIsStillBeingWrittenIsNeverServed() {
    ModelRegistry registry = new ModelRegistry(warehouse);
    long published = new ModelTable(warehouse).latestPublished().orElseThrow();
    long unfinished = registry.begin(ModelParams.from(config), Map.of(), NOW);
    assertTrue(unfinished > published);
    assertEquals(published, new ModelTable(warehouse).latestPublished().orElseThrow());
    registry.finish(unfinished, Status.FAILED, Map.of(), "simulated crash");
    assertEquals(published, Recommender.latest(warehouse).orElseThrow().version());
  }

  @Test
  void recommendsUnseenItemsForAKnownUser() {
    Recommender rec = Recommender.latest(warehouse).orElseThrow();
    String user = rec.sampleUser();
    List<Recommender.Item> items = rec.recommend(user, 10);
    assertEquals(10, items.size());
    List<String> seen = warehouse.read(Tables.EVENTS).filter(col(Col.USER_ID).equalTo(user)).select(Col.ITEM_ID)
        .as(org.apache.spark.sql.Encoders.STRING()).collectAsList();
    items.forEach(i -> assertFalse(seen.contains(i.itemId()), i.itemId() + " was already seen"));
    for (int i = 1; i < items.size(); i++) {
      assertTrue(items.get(i - 1).score() >= items.get(i).score());
    }
    assertTrue(rec.recommend("nobody", 10).isEmpty());
  }
}
