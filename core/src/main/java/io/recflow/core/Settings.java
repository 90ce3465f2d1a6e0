package io.recflow.core;

import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * Every recflow setting, with its default and rule. docs/configuration.md lists the same keys;
 * {@code bin/recflow config} prints this table from the code. Keys beginning with {@code spark.}
 * are not declared here: they are passed to Spark as they are.
 */
public final class Settings {
  private Settings() {}

  // Where data lives.
  public static final ConfigKey<String> WAREHOUSE = ConfigKey.ofString("recflow.warehouse", "warehouse",
      "Root of the Delta tables: a local path, or an s3a:// or hdfs:// URI on a cluster.");
  public static final ConfigKey<String> INPUT_PATH = ConfigKey.ofString("input.path", "data/ml-latest-small",
      "Directory the nightly job ingests from.");
  public static final ConfigKey<String> INPUT_FORMAT = ConfigKey.ofString("input.format", "movielens",
      "Format of input.path: movielens (ml-100k, ml-1m or ml-latest layouts, detected), csv or jsonl "
          + "(generic events.* and items.* files).", "movielens", "csv", "jsonl");

  // Validation.
  public static final ConfigKey<String> MIN_EVENT_TIME = ConfigKey.ofString("validation.minEventTime",
      "1990-01-01T00:00:00Z", "Events before this ISO-8601 instant are implausible and quarantined.");
  public static final ConfigKey<Integer> MAX_FUTURE_HOURS = ConfigKey.ofInt("validation.maxFutureHours", 24, 0,
      24 * 365, "Events more than this many hours after ingestion are quarantined (clock skew allowance).");
  public static final ConfigKey<Double> RATING_MIN = ConfigKey.ofDouble("validation.ratingMin", 0.5, -1e6, 1e6,
      "Smallest valid rating value.");
  public static final ConfigKey<Double> RATING_MAX = ConfigKey.ofDouble("validation.ratingMax", 5.0, -1e6, 1e6,
      "Largest valid rating value.");

  // User-interest model.
  public static final ConfigKey<Double> WEIGHT_VIEW = ConfigKey.ofDouble("interest.weight.view", 1.0, 0, 1e3,
      "Confidence added by one view.");
  public static final ConfigKey<Double> WEIGHT_CLICK = ConfigKey.ofDouble("interest.weight.click", 2.0, 0, 1e3,
      "Confidence added by one click.");
  public static final ConfigKey<Double> WEIGHT_CART = ConfigKey.ofDouble("interest.weight.cart", 4.0, 0, 1e3,
      "Confidence added by one add-to-cart.");
  public static final ConfigKey<Double> WEIGHT_PURCHASE = ConfigKey.ofDouble("interest.weight.purchase", 8.0, 0,
      1e3, "Confidence added by one purchase.");
  public static final ConfigKey<Double> WEIGHT_RATING = ConfigKey.ofDouble("interest.weight.rating", 1.0, 0, 1e3,
      "Confidence per rating point above interest.rating.neutral.");
  public static final ConfigKey<Double> RATING_NEUTRAL = ConfigKey.ofDouble("interest.rating.neutral", 0.0, -1e6,
      1e6, "Rating that expresses no preference; ratings below it give negative preference.");
  public static final ConfigKey<Double> HALF_LIFE_DAYS = ConfigKey.ofDouble("interest.halfLifeDays", 0.0, 0, 1e5,
      "An event's weight halves every this many days before the user's newest event; 0 turns decay off.");

  // ALS. regParam and alpha won bin/recflow tune on ml-latest-small; rank 128 scored 1.6% higher on the
  // validation split but trains 3x slower, past the nightly budget of 2 minutes on 2 cores (docs/benchmarks.md).
  public static final ConfigKey<Integer> ALS_RANK = ConfigKey.ofInt("als.rank", 64, 1, 1024,
      "Number of latent factors.");
  public static final ConfigKey<Double> ALS_REG = ConfigKey.ofDouble("als.regParam", 0.5, 0, 1e4,
      "L2 regularisation, scaled by each user's and item's number of interactions as in Spark.");
  public static final ConfigKey<Double> ALS_ALPHA = ConfigKey.ofDouble("als.alpha", 1.0, 0, 1e6,
      "Confidence scale of implicit feedback: c = 1 + alpha * |r|.");
  public static final ConfigKey<Integer> ALS_ITERATIONS = ConfigKey.ofInt("als.maxIter", 15, 1, 200,
      "Alternating least-squares iterations.");
  public static final ConfigKey<Integer> ALS_SEED = ConfigKey.ofInt("als.seed", 42, Integer.MIN_VALUE,
      Integer.MAX_VALUE, "Seed of the factor initialisation.");

  // Item text embeddings.
  public static final ConfigKey<Boolean> EMBEDDING_ENABLED = ConfigKey.ofBoolean("embedding.enabled", true,
      "Embed item texts with the BERT-family model in the nightly job.");
  public static final ConfigKey<String> EMBEDDING_TEMPLATE = ConfigKey.ofString("embedding.textTemplate", "{text}",
      "The text embedded for an item; {title}, {attributes} and {text} stand for the item's fields.");

  public static final ConfigKey<Double> PROJECTION_LAMBDA = ConfigKey.ofDouble("projection.lambda", 1.0, 1e-9, 1e9,
      "Ridge penalty of the map from text embeddings to ALS factors that places cold items.");

  // Hybrid ranking.
  public static final ConfigKey<Double> HYBRID_WEIGHT = ConfigKey.ofDouble("hybrid.contentWeight", 0.1, 0, 1,
      "Share of the content score (similarity to the user's recent items) in the hybrid ranking and in the "
          + "served ranker's prior, the order its trees correct; 0 is plain ALS.");
  public static final ConfigKey<Integer> HYBRID_RECENT = ConfigKey.ofInt("hybrid.recentItems", 20, 1, 10_000,
      "How many of a user's most recent items make up their content profile.");

  // Similar items.
  public static final ConfigKey<Integer> NEIGHBORS_K = ConfigKey.ofInt("neighbors.k", 20, 1, 1000,
      "Similar items kept per item and kind (content, cf) in item_neighbors.");
  public static final ConfigKey<Integer> NEIGHBORS_PROBES = ConfigKey.ofInt("neighbors.probes", 8, 1, 4096,
      "Catalogs of 20,000 items or more: clusters searched per item; more is slower and more exact.");

  // Popularity.
  public static final ConfigKey<Double> POPULARITY_HALF_LIFE_DAYS = ConfigKey.ofDouble("popularity.halfLifeDays",
      30.0, 0, 1e5, "Half-life of an interaction's contribution to item popularity; 0 counts all equally.");

  // The two-stage ranking (candidate sources, ranker, exploration): the same for the server and the evaluator.
  public static final ConfigKey<String> RANKING_SOURCES = ConfigKey.ofString("ranking.sources",
      "als,content,co-visitation,sequence,fresh,trending,popular", "Candidate sources of the ranking, "
          + "comma-separated; a ranker trained with other sources is not used (the ALS order ranks instead).");
  public static final ConfigKey<Integer> RANKING_PER_SOURCE = ConfigKey.ofInt("ranking.candidatesPerSource", 100, 1,
      10_000, "Candidates each source (als, content, co-visitation, sequence, fresh, trending, popular) retrieves per "
          + "request.");
  public static final ConfigKey<Integer> FRESH_MAX_INTERACTIONS = ConfigKey.ofInt("ranking.fresh.maxInteractions", 1,
      0, 1_000_000, "Items with fewer interactions than this are fresh (candidates of the fresh source and of exploration); 1 means "
          + "items nobody has touched. Items with a few interactions have learned factors and compete in the ranker.");
  public static final ConfigKey<Double> FRESH_WINDOW_DAYS = ConfigKey.ofDouble("ranking.fresh.windowDays", 0, 0,
      36_500, "Items first interacted with at most this many days ago are fresh too; 0 (the default) adds none.");
  public static final ConfigKey<Integer> TRENDING_WINDOW_HOURS = ConfigKey.ofInt("ranking.trending.windowHours", 24,
      1, 24 * 365, "Trending compares each item's interactions in this many last hours with the 7 windows before.");
  public static final ConfigKey<Double> RECENT_POPULARITY_DAYS = ConfigKey.ofDouble("ranking.recentPopularityDays",
      30, 0.01, 36_500, "The window of the popularity_recent feature.");
  public static final ConfigKey<Double> COVISIT_HALF_LIFE_DAYS = ConfigKey.ofDouble(
      "ranking.coVisitation.halfLifeDays", 0, 0, 1e5,
      "A co-visitation pair's weight halves every this many days before the newest event; 0 (the default) turns "
          + "decay off: decay leaves an old item's follow-ups to its few newest visitors (see docs/evaluation.md).");
  public static final ConfigKey<Double> EXPLORATION_SHARE = ConfigKey.ofDouble("ranking.exploration.share", 0.1, 0,
      0.5, "Share of list positions (every 1/share-th) given to the best fresh item by upper confidence; 0 is off.");
  public static final ConfigKey<Double> EXPLORATION_BONUS = ConfigKey.ofDouble("ranking.exploration.bonus", 0.25, 0,
      100, "Optimism of exploration for an item never shown or used; shrinks as 1/sqrt(1 + exposures + interactions).");
  public static final ConfigKey<Double> RANDOMISE_SHARE = ConfigKey.ofDouble("ranking.randomise.share", 0, 0, 1,
      "Share of served lists in which one slot takes an item drawn at random among the ranking.randomise.pool best "
          + "ranked there, its probability logged: what lets an experiment report judge another ranker on past "
          + "traffic. 0 (the default) is off; 0.05 to 0.2 is typical.");
  public static final ConfigKey<Integer> RANDOMISE_POOL = ConfigKey.ofInt("ranking.randomise.pool", 3, 2, 20,
      "How many of the best ranked items a randomised slot draws from: more judges rankers further from the "
          + "served one, at a higher cost to the list.");
  public static final ConfigKey<String> RANKER_OBJECTIVE = ConfigKey.ofString("ranker.objective", "rank:ndcg",
      "What the ranker's trees minimise: rank:ndcg (LambdaMART, listwise) or binary:logistic (pointwise).",
      "rank:ndcg", "binary:logistic");
  public static final ConfigKey<Double> RANKER_MIN_CHILD_WEIGHT = ConfigKey.ofDouble("ranker.minChildWeight", 1, 0,
      1e6, "Smallest hessian sum a leaf of the ranker's trees may hold; larger keeps trees from fitting a few lists.");
  public static final ConfigKey<Integer> RANKER_ROUNDS = ConfigKey.ofInt("ranker.rounds", 150, 1, 10_000,
      "Boosting rounds of the ranker.");
  public static final ConfigKey<Integer> RANKER_DEPTH = ConfigKey.ofInt("ranker.maxDepth", 6, 1, 16,
      "Depth of each tree of the ranker.");
  public static final ConfigKey<Double> RANKER_ETA = ConfigKey.ofDouble("ranker.learningRate", 0.05, 1e-4, 1,
      "Learning rate (shrinkage) of the ranker's boosting.");
  public static final ConfigKey<Integer> RANKER_MAX_USERS = ConfigKey.ofInt("ranker.maxUsers", 5000, 10, 10_000_000,
      "At most this many users' candidate lists (a seeded sample) train the ranker.");
  public static final ConfigKey<Double> RANKER_HOLDOUT = ConfigKey.ofDouble("ranker.labelShare", 0.2, 0.01, 0.9,
      "Share of the newest interactions that label the nightly ranker's lists (see ranker.labelSplit); features "
          + "come from the interactions before.");
  public static final ConfigKey<String> RANKER_LABEL_SPLIT = ConfigKey.ofString("ranker.labelSplit", "user",
      "How the ranker's labels are chosen: time (the newest ranker.labelShare of all interactions, one cutoff for "
          + "everyone) or user (the newest ranker.labelShare of each user's interactions).", "time", "user");

  // The sequence model (io.recflow.sequence).
  public static final ConfigKey<Boolean> SEQUENCE_ENABLED = ConfigKey.ofBoolean("sequence.enabled", true,
      "Train the sequence model with each model version (a stage of the nightly job, on the driver).");
  public static final ConfigKey<Integer> SEQUENCE_LENGTH = ConfigKey.ofInt("sequence.length", 50, 2, 1000,
      "How many of a user's newest items the sequence model reads.");
  public static final ConfigKey<Integer> SEQUENCE_DIM = ConfigKey.ofInt("sequence.dim", 64, 4, 1024,
      "Width of the sequence model's hidden vectors and item representations.");
  public static final ConfigKey<Integer> SEQUENCE_BLOCKS = ConfigKey.ofInt("sequence.blocks", 2, 1, 12,
      "Causal self-attention blocks of the sequence model.");
  public static final ConfigKey<Integer> SEQUENCE_HEADS = ConfigKey.ofInt("sequence.heads", 1, 1, 16,
      "Attention heads per block; sequence.dim must be divisible by it.");
  public static final ConfigKey<Integer> SEQUENCE_EPOCHS = ConfigKey.ofInt("sequence.epochs", 200, 1, 100_000,
      "Most passes over the training windows; training stops earlier when validation stops improving.");
  public static final ConfigKey<Integer> SEQUENCE_PATIENCE = ConfigKey.ofInt("sequence.patience", 10, 1, 1000,
      "Training stops after this many epochs without a better validation nDCG@10; the best epoch's weights are kept.");
  public static final ConfigKey<Double> SEQUENCE_MAX_MINUTES = ConfigKey.ofDouble("sequence.maxMinutes", 5, 0.01,
      10_000, "Training stops after the epoch that ends past this budget, keeping the best epoch so far.");
  public static final ConfigKey<Integer> SEQUENCE_BATCH = ConfigKey.ofInt("sequence.batchSize", 32, 1, 100_000,
      "Training windows per optimiser step.");
  public static final ConfigKey<Double> SEQUENCE_LEARNING_RATE = ConfigKey.ofDouble("sequence.learningRate", 0.001,
      1e-6, 1, "Adam's learning rate.");
  public static final ConfigKey<Integer> SEQUENCE_NEGATIVES = ConfigKey.ofInt("sequence.negatives", 1024, 1,
      1_000_000, "Items drawn (half by how often they are targets, half uniformly; shared by a batch) as the wrong "
          + "answers of the softmax per step; as many as the catalog holds gives the full softmax.");
  public static final ConfigKey<Double> SEQUENCE_DROPOUT = ConfigKey.ofDouble("sequence.dropout", 0.2, 0, 0.9,
      "Dropout rate during training, after the input and each block's branches.");
  public static final ConfigKey<Boolean> SEQUENCE_COOCCURRENCE = ConfigKey.ofBoolean("sequence.cooccurrenceFeatures",
      true, "Give each item, beside its id and text, a fixed sketch of which items came after and before it in the "
          + "training histories (a collaborative prior for items with few steps; see docs/evaluation.md).");
  public static final ConfigKey<Integer> SEQUENCE_THREADS = ConfigKey.ofInt("sequence.threads", 0, 0, 1024,
      "CPU threads of the trainer's PyTorch engine; 0 means one per core.");
  public static final ConfigKey<Integer> SEQUENCE_SEED = ConfigKey.ofInt("sequence.seed", 42, Integer.MIN_VALUE,
      Integer.MAX_VALUE, "Seed of the sequence model's initial weights, window order and negatives.");

  // Evaluation and the publication gate.
  public static final ConfigKey<Integer> EVAL_K = ConfigKey.ofInt("eval.k", 10, 1, 1000,
      "Length of the ranked lists that are evaluated.");
  public static final ConfigKey<String> EVAL_PROTOCOLS = ConfigKey.ofString("eval.protocols",
      "stratified,chronological",
      "Comma-separated protocols the nightly job runs: stratified, chronological, cold-items "
          + "(which also reports cold-in-catalog), next-item.");
  public static final ConfigKey<Integer> EVAL_MAX_USERS = ConfigKey.ofInt("eval.maxUsers", 10000, 10, 10_000_000,
      "At most this many test users are scored (a seeded sample), which bounds evaluation time.");
  public static final ConfigKey<Integer> EVAL_SEED = ConfigKey.ofInt("eval.seed", 42, Integer.MIN_VALUE,
      Integer.MAX_VALUE, "Seed of the splits, the user sample and the random baseline.");
  public static final ConfigKey<Integer> EVAL_COLD_SPLITS = ConfigKey.ofInt("eval.coldSplits", 3, 1, 20,
      "cold-items (and cold-in-catalog) figures are the mean over this many seeded item splits (seeds eval.seed, "
          + "eval.seed + 1, ...), each ranking metric with its standard error (ndcg_se, ...): which items one split "
          + "holds out moves its figures by a factor of two.");
  public static final ConfigKey<String> GATE_PROTOCOL = ConfigKey.ofString("gate.protocol", "stratified",
      "Protocol whose result decides publication.", "stratified", "chronological");
  public static final ConfigKey<String> GATE_METRIC = ConfigKey.ofString("gate.metric", "ndcg",
      "Metric that must beat the popularity baseline for a model to be published.",
      "precision", "recall", "ndcg", "map");

  // The streaming job (bin/recflow stream).
  public static final ConfigKey<String> STREAM_SOURCE = ConfigKey.ofString("stream.source", "files",
      "Where live events come from: files (JSON lines dropped into stream.landingDir by atomic rename) or kafka "
          + "(the topic, and beside it the landing directory, where servers write posted events and erasures).",
      "files", "kafka");
  public static final ConfigKey<String> STREAM_LANDING_DIR = ConfigKey.ofOptionalString("stream.landingDir",
      "Directory of JSON-lines event files the stream reads; empty means <recflow.warehouse>/landing/events.");
  public static final ConfigKey<String> STREAM_EXPOSURE_DIR = ConfigKey.ofOptionalString("stream.exposureDir",
      "Directory of JSON-lines exposure files (what servers showed, one line per list), which servers write and the "
          + "stream reads into the exposures table; empty means <recflow.warehouse>/landing/exposures.");
  public static final ConfigKey<String> STREAM_CLEAN_SOURCE = ConfigKey.ofString("stream.cleanSource", "delete",
      "What becomes of a landing file once the batch that read it is committed to the warehouse: delete, archive "
          + "(moved under <recflow.warehouse>/landing/archive) or off (kept; the directory then grows without end).",
      "delete", "archive", "off");
  public static final ConfigKey<String> STREAM_CHECKPOINT_DIR = ConfigKey.ofOptionalString("stream.checkpointDir",
      "The stream's checkpoint (offsets and RocksDB state); empty means <recflow.warehouse>/_checkpoints/stream.");
  public static final ConfigKey<String> STREAM_KAFKA_SERVERS = ConfigKey.ofString("stream.kafka.bootstrapServers",
      "localhost:9092", "Kafka brokers, when stream.source is kafka.");
  public static final ConfigKey<String> STREAM_KAFKA_TOPIC = ConfigKey.ofString("stream.kafka.topic", "recflow-events",
      "Kafka topic of JSON events, when stream.source is kafka.");
  public static final ConfigKey<Integer> STREAM_TRIGGER_MILLIS = ConfigKey.ofInt("stream.triggerMillis", 500, 0,
      3_600_000, "Interval between micro-batches; 0 starts the next batch as soon as the last one ends.");
  public static final ConfigKey<Integer> STREAM_SHUFFLE_PARTITIONS = ConfigKey.ofInt("stream.shufflePartitions", 2,
      1, 10_000, "State partitions of the stream; fixed when its checkpoint is created. 2-4 suit 2 cores.");
  public static final ConfigKey<Integer> STREAM_MAX_FILES = ConfigKey.ofInt("stream.maxFilesPerTrigger", 1000, 1,
      1_000_000, "Most landing files one micro-batch reads, which bounds a batch after a pause.");
  public static final ConfigKey<Integer> STREAM_DEDUP_MINUTES = ConfigKey.ofInt("stream.dedupWindowMinutes", 1440,
      0, 525_600, "A repeated event_id is dropped until its user's newest event is this many minutes past the first copy.");

  // Erasure (bin/recflow forget, DELETE /v1/users/{id}, the nightly job).
  public static final ConfigKey<Integer> ERASURE_RETENTION_HOURS = ConfigKey.ofInt("erasure.retentionHours", 168, 0,
      8_760, "How long Delta keeps the files an erasure rewrote (for time travel and readers in flight) before the "
          + "nightly VACUUM removes them; an erased user's data is physically gone, and the tombstone removed, this "
          + "long after the erasure is applied.");

  // Online experiments (docs/experiments.md).
  public static final ConfigKey<String> EXPERIMENTS_FILE = ConfigKey.ofOptionalString("experiments.file",
      "The experiment plan (JSON: the global holdout, and each experiment's times, slice of users and variants) "
          + "that servers run and reports read; empty runs none. A server checks it at start-up and refuses to start, "
          + "listing every problem, if any part is wrong.");
  public static final ConfigKey<Integer> EXPERIMENTS_ATTRIBUTION_MINUTES = ConfigKey.ofInt(
      "experiments.attributionWindowMinutes", 60, 1, 10_080, "A click, cart or purchase without a request_id is "
          + "attributed to the latest list that showed its item to its user at most this many minutes before it.");
  public static final ConfigKey<Double> EXPERIMENTS_ALPHA = ConfigKey.ofDouble("experiments.alpha", 0.05, 0.001, 0.2,
      "The experiment report's significance level: intervals are 1 - alpha (Bonferroni-corrected over the variants "
          + "compared with the control), and a difference is declared only when its interval excludes zero.");
  public static final ConfigKey<String> EXPERIMENTS_POLICY = ConfigKey.ofChecked("experiments.counterfactual.policy",
      "ranker, ranker:VERSION or feature:NAME; empty means ranker", io.recflow.experiment.ReplayPolicy::parse,
      "The alternative the experiment report replays on the randomised slots (ranking.randomise.*): the newest "
          + "trained ranker in the warehouse (ranker, the default), one model version's (ranker:VERSION), or one "
          + "ranking feature alone (feature:NAME, e.g. feature:popularity).");
  public static final ConfigKey<Double> EXPERIMENTS_CLIP = ConfigKey.ofDouble("experiments.counterfactual.clip", 20,
      1, 1e6, "The largest weight (1 / propensity) one randomised slot gets in the counterfactual estimate: lower "
          + "trades a little bias for less variance.");

  // The recommendation server (bin/recflow serve).
  public static final ConfigKey<Integer> SERVE_PORT = ConfigKey.ofInt("serve.port", 8080, 0, 65_535,
      "HTTP port of the server; 0 picks a free one.");
  public static final ConfigKey<String> SERVE_HOST = ConfigKey.ofString("serve.host", "127.0.0.1",
      "Address the server listens on: loopback by default, so a quickstart is not reachable from the network; "
          + "0.0.0.0 (every interface) in a container or behind a load balancer.");
  public static final ConfigKey<String> SERVE_SNAPSHOT_DIR = ConfigKey.ofString("serve.snapshotDir", "snapshots",
      "Local directory of the server's RocksDB model snapshots; a restart serves the newest complete one at once.");
  public static final ConfigKey<Integer> SERVE_POLL_SECONDS = ConfigKey.ofInt("serve.pollSeconds", 30, 1, 86_400,
      "How often the server looks for a newly published model version.");
  public static final ConfigKey<Integer> SERVE_RETRY_SECONDS = ConfigKey.ofInt("serve.retrySeconds", 60, 1, 86_400,
      "How long a model version the server refused waits before it is loaded again, so repaired files are "
          + "served without a restart.");
  public static final ConfigKey<Integer> SERVE_LIVE_MILLIS = ConfigKey.ofInt("serve.liveTailMillis", 500, 50, 60_000,
      "How often the server reads new commits of user_vectors_rt and events (live vectors and seen items).");
  public static final ConfigKey<String> SERVE_KEYS = ConfigKey.ofChecked("serve.keys",
      "comma-separated name:scopes:salt:hash entries, empty for none", ApiKey::parseAll,
      "API keys the server accepts in the X-Api-Key header, as bin/recflow keys new writes them (salted hashes, "
          + "never the keys); each with scopes read, write or admin. Empty (the default) closes every route that "
          + "needs a key.");
  public static final ConfigKey<Boolean> SERVE_PUBLIC_READS = ConfigKey.ofBoolean("serve.publicReads", false,
      "Answer recommendation and similar-item requests without a key (explanations still need the read scope). "
          + "Off by default: a user's list reveals what they did.");
  public static final ConfigKey<Integer> SERVE_RATE_LIMIT = ConfigKey.ofInt("serve.rateLimit", 1000, 0, 1_000_000,
      "Requests per second each key may make (keyless public reads: each client address), with bursts of as many; "
          + "more get 429 with Retry-After. 0 means no limit.");
  public static final ConfigKey<Integer> SERVE_MAX_BODY_BYTES = ConfigKey.ofInt("serve.maxBodyBytes", 1_000_000,
      1_000, 100_000_000, "Largest request body the server reads; larger ones get 413.");
  public static final ConfigKey<Integer> SERVE_MAX_K = ConfigKey.ofInt("serve.maxK", 500, 1, 10_000,
      "Largest k a recommendation or similar-items request may ask for.");
  public static final ConfigKey<Integer> SERVE_MAX_OFFSET = ConfigKey.ofInt("serve.maxOffset", 1000, 0, 100_000,
      "Deepest page start (offset) a recommendation request may ask for; deeper pages retrieve more candidates.");
  public static final ConfigKey<Integer> SERVE_MAX_DIVERSE = ConfigKey.ofInt("serve.maxDiverseItems", 100, 1, 10_000,
      "Most items (offset + k) a request with diversity may ask for: MMR's work grows with the square of the list.");
  public static final ConfigKey<Integer> SERVE_MAX_EXPLAINED = ConfigKey.ofInt("serve.maxExplainedItems", 50, 1,
      10_000, "Most items (k) a request with explain=true may ask for: each explanation costs a solve.");
  public static final ConfigKey<Integer> SERVE_ANN_MIN_ITEMS = ConfigKey.ofInt("serve.annMinItems", 200_000, 1,
      Integer.MAX_VALUE, "Catalogs of at least this many items are searched with an approximate index (IVF); "
          + "smaller ones exactly.");
  public static final ConfigKey<Integer> SERVE_ANN_PROBES = ConfigKey.ofInt("serve.annProbes", 24, 1, 100_000,
      "Clusters of the approximate index scored per request (of about the square root of the catalog size); "
          + "more is slower and closer to exact.");
  public static final ConfigKey<String> SERVE_EXPOSURES = ConfigKey.ofString("serve.exposures", "written",
      "How a list's exposure (stream.exposureDir), which experiments and attribution need, is recorded before the "
          + "list is answered with its requestId: written (in the operating system, forced to disk within a second: "
          + "survives the server's crash; microseconds), durable (forced to disk first: survives the machine's crash; "
          + "a data sync per request, more under load) or off (nothing recorded, no requestId).", "written", "durable",
      "off");
  public static final ConfigKey<Integer> SERVE_MAX_EVENTS = ConfigKey.ofInt("serve.maxEventsPerRequest", 1000, 1,
      100_000, "Most events one POST /v1/events may carry.");
  /** All declared keys, in declaration order. */
  public static List<ConfigKey<?>> all() {
    List<ConfigKey<?>> keys = new ArrayList<>();
    for (Field f : Settings.class.getDeclaredFields()) {
      if (Modifier.isStatic(f.getModifiers()) && f.getType() == ConfigKey.class) {
        try {
          keys.add((ConfigKey<?>) f.get(null));
        } catch (IllegalAccessException e) {
          throw new IllegalStateException(e);
        }
      }
    }
    return Collections.unmodifiableList(keys);
  }
}
