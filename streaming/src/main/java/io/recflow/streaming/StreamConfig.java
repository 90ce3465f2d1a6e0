package io.recflow.streaming;

import io.recflow.core.RecflowConfig;
import io.recflow.core.Settings;

/**
 * The stream's settings, resolved once at start-up from the configuration: empty directory
 * settings become their places under the warehouse.
 *
 * @param landingDir directory of JSON-lines files the file source reads
 * @param cleanSource delete, archive or off: Spark's treatment of a landing file once its batch is
 *     committed
 * @param archiveDir where archived landing files go (outside the landing directory)
 * @param checkpointDir offsets, commits and RocksDB state of the query
 * @param dedupWindowMillis how far back from a user's newest event a repeated id is recognised
 */
public record StreamConfig(String source, String landingDir, String cleanSource, String archiveDir,
                           String checkpointDir, String kafkaServers,
                           String kafkaTopic, long triggerMillis, int shufflePartitions, int maxFilesPerTrigger,
                           long dedupWindowMillis) {

  public static StreamConfig from(RecflowConfig c) {
    return new StreamConfig(c.get(Settings.STREAM_SOURCE),
        c.landingDir(), c.get(Settings.STREAM_CLEAN_SOURCE), c.landingArchiveDir(), c.streamCheckpointDir(),
        c.get(Settings.STREAM_KAFKA_SERVERS), c.get(Settings.STREAM_KAFKA_TOPIC),
        c.get(Settings.STREAM_TRIGGER_MILLIS), c.get(Settings.STREAM_SHUFFLE_PARTITIONS),
        c.get(Settings.STREAM_MAX_FILES), c.get(Settings.STREAM_DEDUP_MINUTES) * 60_000L);
  }

  public boolean fromKafka() {
    return source.equals("kafka");
  }
}
