package io.recflow.streaming;

import io.recflow.core.InterestWeighting;
import io.recflow.core.RecflowConfig;
import io.recflow.spark.ModelTable;
import io.recflow.spark.Warehouse;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStreamWriter;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;

/**
 * The interest weighting a stream's state is built with. A state is a sum of weighted events, so
 * it holds for one weighting only: a new checkpoint takes the newest published model's weighting
 * (from its typed parameters; the profile's when none is published) and records it in the
 * checkpoint directory, and every restart from that checkpoint reads it back from there.
 */
final class StreamWeighting {
  private static final String FILE = "recflow-weighting.properties";

  private StreamWeighting() {}

  static InterestWeighting resolve(Warehouse warehouse, RecflowConfig config, String checkpointDir) {
    Path file = new Path(checkpointDir, FILE);
    try {
      FileSystem fs = file.getFileSystem(warehouse.spark().sparkContext().hadoopConfiguration());
      if (fs.exists(file)) {
        return read(fs, file);
      }
      ModelTable models = new ModelTable(warehouse);
      InterestWeighting w = models.latestPublished().map(v -> models.params(v).weighting())
          .orElseGet(() -> InterestWeighting.from(config));
      fs.mkdirs(file.getParent());
      try (Writer out = new OutputStreamWriter(fs.create(file, true), StandardCharsets.UTF_8)) {
        for (Map.Entry<String, String> e : w.toMap().entrySet()) {
          out.write(e.getKey() + "=" + e.getValue() + "\n");
        }
      }
      return w;
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read or write " + file, e);
    }
  }

  private static InterestWeighting read(FileSystem fs, Path file) throws IOException {
    Map<String, String> m = new LinkedHashMap<>();
    try (BufferedReader in = new BufferedReader(new InputStreamReader(fs.open(file), StandardCharsets.UTF_8))) {
      for (String line = in.readLine(); line != null; line = in.readLine()) {
        int eq = line.indexOf('=');
        if (eq > 0) {
          m.put(line.substring(0, eq), line.substring(eq + 1));
        }
      }
    }
    return InterestWeighting.from(RecflowConfig.of(m, file.toString()));
  }
}
