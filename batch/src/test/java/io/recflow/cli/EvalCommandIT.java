package io.recflow.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.recflow.spark.SparkFixture;
import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code bin/recflow eval --json} is for scripts: its standard output is one JSON object and
 * nothing else, even when the text-embedding runtime prints its banner, so {@code | jq} works.
 */
class EvalCommandIT {
  @TempDir
  Path dir;

  @Test
  void evalWithJsonWritesOnlyJsonOnStandardOutput() throws Exception {
    Path data = SparkFixture.syntheticData(60, 120, 2_000);
    List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
        "-Xmx2g"));
    cmd.addAll(Files.readAllLines(Path.of("../conf/jvm.flags")).stream()
        .filter(l -> !l.isBlank() && !l.startsWith("#")).toList());
    cmd.addAll(List.of("-Dlog4j2.configurationFile=../conf/log4j2.properties",
        "-cp", System.getProperty("java.class.path"), Main.class.getName(), "eval", "--data", data.toString(),
        "--format", "csv", "--protocol", "stratified,cold-items", "--k", "10", "--json",
        "--set", "ranker.rounds=20",
        "--set", "spark.master=local[2]", "--set", "spark.sql.shuffle.partitions=2", "--set", "als.rank=8",
        "--set", "recflow.warehouse=" + dir.resolve("scratch")));
    File out = dir.resolve("stdout").toFile();
    File err = dir.resolve("stderr").toFile();
    ProcessBuilder pb = new ProcessBuilder(cmd).redirectOutput(out).redirectError(err);
    pb.environment().put("SPARK_LOCAL_IP", "127.0.0.1");
    Process p = pb.start();
    assertTrue(p.waitFor(10, TimeUnit.MINUTES), "eval did not finish in 10 minutes");
    String stdout = Files.readString(out.toPath());
    String stderr = Files.readString(err.toPath());
    assertEquals(0, p.exitValue(), stderr);

    JsonNode json = new ObjectMapper().enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS).readTree(stdout);
    assertTrue(json.isObject() || json.isArray(), stdout);
    assertTrue(stdout.contains("cold-items") && stdout.contains("stratified"), stdout);
    // Every model's metrics, the served pipeline's among them, under both the warm and the cold protocols.
    for (String model : List.of("als", "hybrid", "served", "popularity", "random")) {
      assertTrue(json.path("results").path("stratified").path(model).path("ndcg").isNumber(), model + ": " + stdout);
    }
    assertTrue(json.path("results").path("cold-in-catalog").path("served").path("recall").isNumber(), stdout);
    // The banner still appears, on standard error, which proves it was there to be kept away.
    assertTrue(stderr.contains("Using CPUs"), "the embedding runtime's banner was expected on stderr:\n" + stderr);
  }
}
