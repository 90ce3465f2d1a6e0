package io.recflow.streaming;

import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * The working directory of a test's Kafka broker: a log4j2 configuration (Kafka brings no logging
 * configuration, and without one it says nothing, errors included), the launcher class, and for
 * each pair of ports a {@code server.properties} and a KRaft log directory formatted by Kafka's own
 * StorageTool, run from the broker's classpath in a JVM of its own.
 */
final class KafkaBrokerDir {
  private static final long TOOL_TIMEOUT_SECONDS = 60;
  private static final String LOG4J2 = """
      appender.out.type = Console
      appender.out.name = STDOUT
      appender.out.layout.type = PatternLayout
      appender.out.layout.pattern = [%d] %p %m (%c)%n
      rootLogger.level = ${sys:kafka.test.loglevel:-INFO}
      rootLogger.appenderRef.out.ref = STDOUT
      """;
  /**
   * One KRaft node, broker and controller, on loopback. Replication 1 wherever Kafka defaults to 3
   * (it would wait for brokers that never come), and sized for a test on 2 cores: one partition for
   * the internal topics instead of 50, no 3 s wait before a consumer group's first rebalance, a 2 MB
   * log cleaner buffer instead of 128 MB, two threads per pool.
   */
  private static final String SERVER_PROPERTIES = """
      process.roles=broker,controller
      node.id=1
      controller.quorum.voters=1@127.0.0.1:%2$d
      listeners=PLAINTEXT://127.0.0.1:%1$d,CONTROLLER://127.0.0.1:%2$d
      advertised.listeners=PLAINTEXT://127.0.0.1:%1$d
      controller.listener.names=CONTROLLER
      inter.broker.listener.name=PLAINTEXT
      listener.security.protocol.map=PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT
      log.dirs=%3$s
      auto.create.topics.enable=false
      offsets.topic.replication.factor=1
      transaction.state.log.replication.factor=1
      transaction.state.log.min.isr=1
      share.coordinator.state.topic.replication.factor=1
      share.coordinator.state.topic.min.isr=1
      offsets.topic.num.partitions=1
      transaction.state.log.num.partitions=1
      group.initial.rebalance.delay.ms=0
      log.cleaner.dedupe.buffer.size=2097152
      num.network.threads=2
      num.io.threads=2
      background.threads=2
      num.recovery.threads.per.data.dir=1
      """;

  private final Path dir;
  private final String classpath;

  private KafkaBrokerDir(Path dir, String classpath) {
    this.dir = dir;
    this.classpath = classpath;
  }

  /** Sets up {@code dir} for a broker whose jars are in {@code libDir}. */
  static KafkaBrokerDir create(Path libDir, Path dir) throws IOException {
    try (Stream<Path> jars = Files.isDirectory(libDir) ? Files.list(libDir) : Stream.empty()) {
      if (jars.noneMatch(p -> p.getFileName().toString().startsWith("kafka_2.13-"))) {
        throw new IllegalStateException("no kafka_2.13 jar in " + libDir
            + ": build with the reactor (mvn verify, or -pl streaming -am), which fills it from kafka-broker-lib");
      }
    }
    Files.createDirectories(dir);
    Files.writeString(dir.resolve("log4j2.properties"), LOG4J2);
    return new KafkaBrokerDir(dir, copyLauncher(dir) + File.pathSeparator + libDir + File.separator + "*");
  }

  Path dir() {
    return dir;
  }

  /** The command line of a JVM on the broker's classpath, logging as this directory's configuration says. */
  List<String> command(List<String> jvmOptions, String mainClass, String... args) {
    List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString()));
    cmd.addAll(jvmOptions);
    cmd.addAll(List.of("-Dlog4j2.configurationFile=" + dir.resolve("log4j2.properties"), "-cp", classpath, mainClass));
    cmd.addAll(List.of(args));
    return cmd;
  }

  /** Writes the broker's configuration for these ports, formats an empty log directory, returns the configuration. */
  Path format(int port, int controllerPort, String clusterId) throws IOException, InterruptedException {
    Path data = dir.resolve("data");
    if (Files.exists(data)) {
      try (Stream<Path> old = Files.walk(data)) {
        for (Path p : old.sorted(Comparator.reverseOrder()).toList()) {
          Files.delete(p);
        }
      }
    }
    Path config = dir.resolve("server.properties");
    Files.writeString(config, String.format(SERVER_PROPERTIES, port, controllerPort, data));
    // Not --standalone: the configuration names its controller in controller.quorum.voters.
    List<String> cmd = command(List.of("-Xmx256m", "-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC",
        "-Dkafka.test.loglevel=WARN"), "kafka.tools.StorageTool", "format", "-t", clusterId, "-c", config.toString());
    Path out = dir.resolve("format.log");
    Process p = new ProcessBuilder(cmd).directory(dir.toFile()).redirectErrorStream(true)
        .redirectOutput(out.toFile()).start();
    try {
      boolean done = p.waitFor(TOOL_TIMEOUT_SECONDS, TimeUnit.SECONDS);
      if (!done || p.exitValue() != 0) {
        throw new IOException("kafka.tools.StorageTool format " + (done ? "exited with " + p.exitValue()
            : "did not finish in " + TOOL_TIMEOUT_SECONDS + " s") + ":\n" + Files.readString(out));
      }
    } finally {
      if (p.isAlive()) {
        p.destroyForcibly().waitFor();
      }
    }
    return config;
  }

  /** Copies the launcher's class file to dir/launcher, the head of the broker's classpath; returns that. */
  private static Path copyLauncher(Path dir) throws IOException {
    String resource = KafkaBroker.Launcher.class.getName().replace('.', '/') + ".class";
    Path target = dir.resolve("launcher").resolve(resource);
    Files.createDirectories(target.getParent());
    try (InputStream in = KafkaBrokerDir.class.getClassLoader().getResourceAsStream(resource)) {
      Files.copy(Objects.requireNonNull(in, resource), target, StandardCopyOption.REPLACE_EXISTING);
    }
    return dir.resolve("launcher");
  }
}
