package io.recflow.streaming;

import io.recflow.core.RecflowConfig;
import io.recflow.spark.ConfigOptions;
import io.recflow.spark.Launcher;
import io.recflow.spark.SparkSessions;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.streaming.StreamingQuery;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code bin/recflow stream}: runs the streaming job until stopped (Ctrl-C or SIGTERM stop it
 * cleanly; SIGKILL is safe too, the next start resumes from the checkpoint): the event query
 * ({@link StreamJob}) and the exposure query ({@link ExposureStream}), each with its checkpoint.
 */
@Command(name = "recflow stream", mixinStandardHelpOptions = true, version = "recflow 0.1.0",
    description = "Keep user vectors current from live events (Spark Structured Streaming).")
public final class StreamCommand implements Callable<Integer> {
  @Mixin
  ConfigOptions options;

  @Option(names = "--available-now",
      description = "Process the events that have landed so far, then stop (catch-up runs, tests).")
  boolean availableNow;

  @Override
  public Integer call() throws Exception {
    RecflowConfig config = options.load(Map.of());
    StreamConfig sc = StreamConfig.from(config);
    SparkSession spark = SparkSessions.getOrCreate(config);
    StreamingQuery query = StreamJob.start(spark, config, availableNow);
    StreamingQuery exposures = ExposureStream.start(spark, config, availableNow);
    Runtime.getRuntime().addShutdownHook(new Thread(() -> {
      for (StreamingQuery q : List.of(query, exposures)) {
        try {
          q.stop();
        } catch (Exception e) {
          // The JVM is going down; the checkpoint makes the next start resume where this one stopped.
        }
      }
    }));
    System.out.println("recflow stream: reading " + (sc.fromKafka() ? "kafka topic " + sc.kafkaTopic()
        + " and " : "") + sc.landingDir() + ", checkpoint " + sc.checkpointDir() + ", query id " + query.id()
        + "; exposures from " + config.exposureDir() + ", checkpoint " + config.exposureCheckpointDir());
    if (availableNow) {
      query.awaitTermination();
      exposures.awaitTermination();
    } else {
      // Either query ending (a failure throws here) ends the job, rather than leaving half of it running.
      try {
        spark.streams().awaitAnyTermination();
      } finally {
        query.stop();
        exposures.stop();
      }
    }
    return 0;
  }

  public static void main(String[] args) {
    System.exit(Launcher.execute(new StreamCommand(), args));
  }
}
