package io.recflow.streaming;

import java.io.IOException;
import java.lang.reflect.InvocationTargetException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.errors.UnknownTopicOrPartitionException;

/**
 * A real single-node Kafka 4 broker (KRaft, broker and controller in one process) on 127.0.0.1,
 * for tests of the stream's Kafka source. Kafka's server is Scala 2.13 and Spark is Scala 2.12, so
 * the broker runs in a JVM of its own from the jars of the kafka-broker-lib module, and none of them
 * reach a Spark JVM; the test side talks to it with the kafka-clients that Spark's source brings.
 * The broker stops when it is closed, and also when the test JVM dies in any way, kill -9 included
 * ({@link Launcher}), so a failed build leaves no broker behind.
 */
final class KafkaBroker implements AutoCloseable {
  private static final long READY_TIMEOUT_SECONDS = 90;

  private final Process process;
  private final int port;
  private final Path log;

  private KafkaBroker(Process process, int port, Path log) {
    this.process = process;
    this.port = port;
    this.log = log;
  }

  /** Starts a broker on a fresh log directory under {@code workDir}; returns once it serves clients. */
  static KafkaBroker start(Path libDir, Path workDir) throws IOException, InterruptedException {
    KafkaBrokerDir dir = KafkaBrokerDir.create(libDir.toAbsolutePath().normalize(), workDir.toAbsolutePath());
    String clusterId = Uuid.randomUuid().toString();
    IOException portTaken = null;
    // A port found free may be taken by someone else before the broker binds it: then try others.
    for (int attempt = 0; attempt < 3; attempt++) {
      int[] ports = freePorts();
      int port = ports[0];
      Path config = dir.format(port, ports[1], clusterId);
      Path log = dir.dir().resolve("broker.log");
      List<String> cmd = dir.command(List.of("-Xms128m", "-Xmx512m", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1",
          "-Djava.awt.headless=true"), Launcher.class.getName(), config.toString());
      // Standard input stays a pipe from this JVM: the launcher halts the broker when it closes.
      Process p = new ProcessBuilder(cmd).directory(dir.dir().toFile()).redirectErrorStream(true)
          .redirectOutput(log.toFile()).start();
      KafkaBroker broker = new KafkaBroker(p, port, log);
      try {
        broker.awaitReady();
        return broker;
      } catch (IOException e) {
        broker.close();
        if (!Files.readString(log).contains("Address already in use")) {
          throw e;
        }
        portTaken = e;
      }
    }
    throw portTaken;
  }

  /** {@code 127.0.0.1:port}, for bootstrap.servers. */
  String bootstrap() {
    return "127.0.0.1:" + port;
  }

  /** Creates a topic with replication 1 and waits until every partition has a leader. */
  void createTopic(String name, int partitions) throws Exception {
    try (Admin admin = Admin.create(Map.<String, Object>of("bootstrap.servers", bootstrap()))) {
      admin.createTopics(List.of(new NewTopic(name, partitions, (short) 1))).all().get(60, TimeUnit.SECONDS);
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
      while (!hasLeaders(admin, name, partitions)) {
        if (System.nanoTime() > deadline) {
          throw new TimeoutException("topic " + name + " still has partitions without a leader after 30 s; "
              + diagnostics());
        }
        Thread.sleep(100);
      }
    } catch (ExecutionException e) {
      throw new IOException("cannot create topic " + name + "; " + diagnostics(), e);
    }
  }

  /** Whether the broker knows the topic and a leader for each partition; it learns them a moment after creation. */
  private static boolean hasLeaders(Admin admin, String name, int partitions) throws Exception {
    try {
      TopicDescription d = admin.describeTopics(List.of(name)).allTopicNames().get(30, TimeUnit.SECONDS).get(name);
      return d.partitions().size() == partitions && d.partitions().stream().allMatch(p -> p.leader() != null
          && !p.leader().isEmpty());
    } catch (ExecutionException e) {
      if (e.getCause() instanceof UnknownTopicOrPartitionException) {
        return false;
      }
      throw e;
    }
  }

  /** Closes the broker's standard input (it halts at once); if it is still alive, TERM, then KILL. */
  @Override
  public void close() {
    try {
      process.getOutputStream().close();
    } catch (IOException alreadyClosed) {
      // The pipe is gone, so is the broker's reason to live.
    }
    try {
      if (!process.waitFor(10, TimeUnit.SECONDS)) {
        process.destroy();
        if (!process.waitFor(20, TimeUnit.SECONDS)) {
          process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
        }
      }
    } catch (InterruptedException e) {
      process.destroyForcibly();
      Thread.currentThread().interrupt();
    }
  }

  private void awaitReady() throws IOException, InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(READY_TIMEOUT_SECONDS);
    while (System.nanoTime() < deadline) {
      if (!process.isAlive()) {
        throw new IOException("the Kafka broker exited with " + process.exitValue() + "; " + diagnostics());
      }
      if (Files.exists(log) && Files.readString(log).contains("Kafka Server started") && accepts(port)) {
        return;
      }
      Thread.sleep(100);
    }
    throw new IOException("the Kafka broker was not ready in " + READY_TIMEOUT_SECONDS + " s; " + diagnostics());
  }

  /** The log's first errors (the cause) and its last lines (the state), for a failure's message. */
  String diagnostics() throws IOException {
    List<String> lines = Files.exists(log) ? Files.readAllLines(log) : List.of();
    List<String> errors = lines.stream().filter(l -> l.contains(" ERROR ") || l.startsWith("Caused by")).limit(10)
        .toList();
    return "first errors in " + log + ":\n" + String.join("\n", errors) + "\n... its last lines:\n"
        + String.join("\n", lines.subList(Math.max(0, lines.size() - 30), lines.size()));
  }

  private static boolean accepts(int port) {
    try (Socket s = new Socket()) {
      s.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 500);
      return true;
    } catch (IOException e) {
      return false;
    }
  }

  /** Two ports free on loopback now, for the broker and its controller (held open together, so they differ). */
  private static int[] freePorts() throws IOException {
    try (ServerSocket a = new ServerSocket(0, 1, InetAddress.getLoopbackAddress());
         ServerSocket b = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      return new int[] {a.getLocalPort(), b.getLocalPort()};
    }
  }

  /**
   * The broker JVM's main: runs {@code kafka.Kafka} and halts the JVM when its standard input ends,
   * which happens when the test closes the pipe or the test JVM dies, even by SIGKILL (the kernel
   * closes the pipe). Its class file alone heads the broker's classpath; it touches no other test class.
   */
  static final class Launcher {
    private Launcher() {}

    public static void main(String[] args) throws Throwable {
      Thread watchdog = new Thread(() -> {
        try {
          while (System.in.read() != -1) {
            // Nothing is ever written: only the end of the stream matters.
          }
        } catch (IOException e) {
          // As the end of the stream.
        }
        Runtime.getRuntime().halt(0);
      }, "parent-watchdog");
      watchdog.setDaemon(true);
      watchdog.start();
      try {
        Class.forName("kafka.Kafka").getMethod("main", String[].class).invoke(null, (Object) args);
      } catch (InvocationTargetException e) {
        throw e.getCause();
      }
    }
  }
}
