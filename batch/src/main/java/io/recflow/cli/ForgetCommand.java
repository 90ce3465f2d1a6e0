package io.recflow.cli;

import io.recflow.core.ErasureRequest;
import io.recflow.core.LandingFile;
import io.recflow.core.RecflowConfig;
import io.recflow.privacy.ErasureJob;
import io.recflow.spark.ConfigOptions;
import io.recflow.spark.SparkSessions;
import io.recflow.spark.Warehouse;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code recflow forget --user ID}: erases users now. Each request goes into the live feed as a
 * tombstone first (so a running stream drops the user's state and in-flight events, and servers
 * drop them from memory), then every warehouse table holding user ids loses the user's rows, and
 * the landing files their unread events. Without {@code --user} it completes the erasures asked of
 * servers ({@code DELETE /v1/users/{id}}) without waiting for the nightly job. The rewritten files
 * are physically removed by VACUUM once {@code erasure.retentionHours} has passed.
 */
@Command(name = "forget", description = "Erase users from the warehouse, the stream and the servers; without "
    + "--user, complete the erasures requested so far.")
final class ForgetCommand implements Callable<Integer> {
  @Mixin
  ConfigOptions options;

  @Option(names = "--user", description = "A user id to erase; repeat for several.")
  List<String> users = new ArrayList<>();

  @Override
  public Integer call() throws Exception {
    RecflowConfig config = options.load(Map.of());
    List<ErasureRequest> requests = users.stream().map(u -> ErasureRequest.now(u, "cli")).toList();
    if (!requests.isEmpty()) {
      LandingFile.write(Path.of(config.landingDir()), requests.stream().map(ErasureRequest::toJson).toList());
    }
    Warehouse warehouse = Warehouse.of(SparkSessions.getOrCreate(config), config);
    ErasureJob.Report report = new ErasureJob(warehouse, config).run(requests);
    System.out.println("recflow forget on " + warehouse.root() + ": " + report);
    for (ErasureRequest r : requests) {
      System.out.println("  erasure " + r.erasureId() + " recorded");
    }
    return 0;
  }
}
