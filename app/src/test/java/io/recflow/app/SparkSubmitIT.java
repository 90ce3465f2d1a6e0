package io.recflow.app;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.recflow.core.LandingFile;
import io.recflow.core.Tables;
import io.recflow.core.Tables.Col;
import io.recflow.spark.ChildJvm;
import io.recflow.spark.ModelTable;
import io.recflow.spark.SparkFixture;
import io.recflow.spark.Warehouse;
import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The application jar runs under spark-submit as it would on a cluster: a separate JVM runs
 * {@code org.apache.spark.deploy.SparkSubmit --master local[2]} on the shaded jar, with Spark on
 * the classpath but neither recflow's classes nor Delta nor the Kafka source, which the jar must
 * bring itself: first the nightly job, then the streaming job on the warehouse it published.
 */
class SparkSubmitIT {
  @TempDir
  Path dir;

  @Test
  void theShadedJarRunsTheNightlyAndTheStreamingJobUnderSparkSubmit() throws Exception {
    Path data = SparkFixture.syntheticData(100, 200, 5_000);
    Path warehouse = dir.resolve("warehouse");
    String out = submit("io.recflow.cli.Main", "batch", "--input", data.toString(), "--format", "csv",
        "--set", "recflow.warehouse=" + warehouse, "--set", "als.rank=8");
    assertTrue(out.contains("model version 1 published"), out);
    Warehouse w = new Warehouse(SparkFixture.spark(), warehouse.toString());
    assertEquals(5_000, w.read(Tables.EVENTS).count());
    assertEquals(1L, new ModelTable(w).latestPublished().orElseThrow());

    String item = w.read(Tables.ITEM_FACTORS).select(Col.ID).orderBy(Col.ID).first().getString(0);
    LandingFile.write(warehouse.resolve("landing/events"), List.of(
        "{\"user_id\":\"u1\",\"item_id\":\"" + item + "\",\"event_type\":\"purchase\",\"ts\":1767300000}",
        "{\"user_id\":\"u2\",\"item_id\":\"" + item + "\",\"event_type\":\"teleport\",\"ts\":1767300000}"));
    submit("io.recflow.streaming.StreamCommand", "--available-now", "--set", "recflow.warehouse=" + warehouse);
    assertEquals(5_001, w.read(Tables.EVENTS).count());
    assertEquals(1, w.read(Tables.EVENTS_QUARANTINE).count());
    assertEquals(List.of("u1"), w.read(Tables.USER_VECTORS_RT).select(Col.USER_ID).collectAsList().stream()
        .map(r -> r.getString(0)).toList());
  }

  /** Runs a recflow main class with spark-submit in a JVM that has Spark but not recflow or Delta. */
  private String submit(String mainClass, String... args) throws Exception {
    File jar = Arrays.stream(new File("target").listFiles((d, n) -> n.endsWith("-app.jar"))).findFirst()
        .orElseThrow(() -> new AssertionError("no shaded jar in target/; run mvn verify"));
    String sparkOnly = Arrays.stream(System.getProperty("java.class.path").split(File.pathSeparator))
        .filter(p -> !p.contains("delta-") && !p.contains("recflow") && !p.endsWith("classes")
            && !p.contains("test-classes") && !p.contains("kafka"))
        .collect(Collectors.joining(File.pathSeparator));
    List<String> cmd = new ArrayList<>(List.of("org.apache.spark.deploy.SparkSubmit", "--master", "local[2]",
        "--conf", "spark.sql.shuffle.partitions=2", "--class", mainClass, jar.getAbsolutePath()));
    cmd.addAll(Arrays.asList(args));
    cmd.addAll(List.of("--conf", "../conf/local.properties", "--set", "spark.master=local[2]"));
    Path log = Files.createTempFile(dir, "submit-", ".log");
    Process p = ChildJvm.start("-Xmx2g", sparkOnly, cmd, log);
    assertTrue(p.waitFor(5, TimeUnit.MINUTES), "spark-submit did not finish in 5 minutes");
    String out = Files.readString(log);
    assertEquals(0, p.exitValue(), out);
    return out;
  }
}
