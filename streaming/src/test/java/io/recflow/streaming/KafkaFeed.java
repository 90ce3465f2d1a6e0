package io.recflow.streaming;

import static io.recflow.streaming.TrainedWarehouse.event;

import io.recflow.spark.SparkFixture;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.Future;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.serialization.StringSerializer;

/**
 * Events for the stream's Kafka source, produced to a real topic in bursts, and what the warehouse
 * must hold once they are read. Each burst has fresh events of known items (some late: a month
 * older than their neighbours), one earlier event delivered again (as by a producer that retried
 * after a lost acknowledgement), and one malformed record, whose partition and offset the broker
 * reports. The producer is idempotent, so the topic holds each sent record exactly once and its
 * offsets count the records.
 */
final class KafkaFeed implements AutoCloseable {
  /** A record the stream must quarantine, and where Kafka put it: {@code kafka:topic/partition/offset}. */
  record Rejected(String raw, String origin) {}

  private static final String[] TYPES = {"view", "click", "cart", "purchase", "rating"};
  private static final long FIRST_TS = 1_767_300_000L;

  private final KafkaProducer<String, String> producer;
  private final String topic;
  private final List<List<ProducerRecord<String, String>>> bursts = new ArrayList<>();
  private final List<String> malformed = new ArrayList<>();
  private final Set<String> acceptedIds = new TreeSet<>();
  private final Set<String> users = new TreeSet<>();
  private final List<Rejected> rejected = new ArrayList<>();
  private int produced;
  private long records;

  /** {@code bursts} bursts of {@code perBurst} fresh events over {@code items}, for users u0 to u129. */
  KafkaFeed(String bootstrap, String topic, List<String> items, int bursts, int perBurst) {
    this.topic = topic;
    this.producer = new KafkaProducer<>(Map.of("bootstrap.servers", bootstrap, "acks", "all",
        "enable.idempotence", true, "linger.ms", 5, "key.serializer", StringSerializer.class.getName(),
        "value.serializer", StringSerializer.class.getName()));
    Random rnd = new Random(SparkFixture.SEED);
    List<ProducerRecord<String, String>> sent = new ArrayList<>();
    for (int b = 0; b < bursts; b++) {
      List<ProducerRecord<String, String>> burst = new ArrayList<>();
      for (int i = 0; i < perBurst; i++) {
        String type = TYPES[rnd.nextInt(TYPES.length)];
        String id = "k" + b + "-" + i;
        String user = "u" + rnd.nextInt(130); // u120 to u129 have no history
        long ts = FIRST_TS + b * 600L + i - (rnd.nextInt(10) == 0 ? 30 * 86_400L : 0);
        burst.add(new ProducerRecord<>(topic, user, event(id, user, items.get(rnd.nextInt(items.size())), type,
            type.equals("rating") ? 0.5 + rnd.nextInt(10) * 0.5 : null, ts)));
        acceptedIds.add(id);
        users.add(user);
      }
      sent.addAll(burst);
      burst.add(rnd.nextInt(burst.size()), sent.get(rnd.nextInt(sent.size())));
      String bad = switch (b % 3) {
        case 0 -> "{\"user_id\":\"u1\",\"item_id\":\"i" + b + "\",\"event_type\":\"view\",\"ts\":";
        case 1 -> "{\"user_id\":\"u1\",\"item_id\":\"i" + b + "\",\"event_type\":\"teleport\",\"ts\":" + FIRST_TS + "}";
        default -> "{\"item_id\":\"i" + b + "\",\"event_type\":\"view\",\"ts\":" + FIRST_TS + "}";
      };
      malformed.add(bad);
      burst.add(rnd.nextInt(burst.size()), new ProducerRecord<>(topic, bad));
      this.bursts.add(burst);
    }
  }

  /** Produces the next burst and waits until the broker has it; returns how many records the topic holds. */
  long produceNext() throws Exception {
    String bad = malformed.get(produced);
    List<ProducerRecord<String, String>> burst = bursts.get(produced++);
    Future<RecordMetadata> badSent = null;
    for (ProducerRecord<String, String> r : burst) {
      Future<RecordMetadata> f = producer.send(r);
      if (r.value().equals(bad)) {
        badSent = f;
      }
    }
    producer.flush();
    RecordMetadata m = badSent.get();
    rejected.add(new Rejected(bad, "kafka:" + topic + "/" + m.partition() + "/" + m.offset()));
    records += burst.size();
    return records;
  }

  /** Produces one record outside the bursts and waits until the broker has it. */
  void produceOne(String key, String value) throws Exception {
    producer.send(new ProducerRecord<>(topic, key, value)).get();
  }

  /** A time after every burst's events. */
  long afterBursts() {
    return FIRST_TS + bursts.size() * 600L;
  }

  int produced() {
    return produced;
  }

  int remaining() {
    return bursts.size() - produced;
  }

  /** The ids of the valid events of all bursts, produced or not. */
  Set<String> acceptedIds() {
    return acceptedIds;
  }

  /** The users with valid events in any burst. */
  Set<String> users() {
    return users;
  }

  /** The malformed records produced so far. */
  List<Rejected> rejected() {
    return rejected;
  }

  @Override
  public void close() {
    producer.close();
  }
}
