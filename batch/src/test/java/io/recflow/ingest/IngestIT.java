package io.recflow.ingest;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.recflow.core.EventValidator;
import io.recflow.core.Tables;
import io.recflow.core.Tables.Col;
import io.recflow.spark.Schemas;
import io.recflow.spark.SparkFixture;
import io.recflow.spark.Warehouse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class IngestIT {
  private static final Timestamp NOW = Timestamp.from(Instant.parse("2026-01-02T00:00:00Z"));

  @TempDir
  Path dir;

  private final Warehouse warehouse = SparkFixture.newWarehouse();
  private final Ingest ingest = new Ingest(warehouse, EventValidator.from(SparkFixture.config(Map.of())));

  private Input jsonl(String... lines) throws Exception {
    Files.write(dir.resolve("events.jsonl"), List.of(lines));
    return Input.read(SparkFixture.spark(), "jsonl", dir.toString());
  }

  @Test
  void quarantinesEveryBadRecordWithItsReasonAndAccountingCloses() throws Exception {
    Input input = jsonl(
        "{\"event_id\":\"e1\",\"user_id\":\"u1\",\"item_id\":\"i1\",\"event_type\":\"view\",\"ts\":1700000000}",
        "{\"event_id\":\"e2\",\"user_id\":\"u1\",\"item_id\":\"i2\",\"event_type\":\"rating\",\"value\":4.5,\"ts\":\"2023-11-14T22:13:20Z\"}",
        "{\"event_id\":\"e2\",\"user_id\":\"u1\",\"item_id\":\"i2\",\"event_type\":\"rating\",\"value\":4.5,\"ts\":\"2023-11-14T22:13:20Z\"}",
        "{\"user_id\":\"u2\",\"item_id\":\"i1\",\"event_type\":\"purchase\",\"ts\":1700000000000}",
        "{not json at all",
        "{\"event_id\":\"b1\",\"item_id\":\"i1\",\"event_type\":\"view\",\"ts\":1700000000}",
        "{\"event_id\":\"b2\",\"user_id\":\"u1\",\"event_type\":\"view\",\"ts\":1700000000}",
        "{\"event_id\":\"b3\",\"user_id\":\"u1\",\"item_id\":\"i1\",\"event_type\":\"like\",\"ts\":1700000000}",
        "{\"event_id\":\"b4\",\"user_id\":\"u1\",\"item_id\":\"i1\",\"event_type\":\"view\",\"ts\":\"soon\"}",
        "{\"event_id\":\"b5\",\"user_id\":\"u1\",\"item_id\":\"i1\",\"event_type\":\"view\",\"ts\":\"2099-01-01T00:00:00Z\"}",
        "{\"event_id\":\"b6\",\"user_id\":\"u1\",\"item_id\":\"i1\",\"event_type\":\"view\",\"ts\":12}",
        "{\"event_id\":\"b7\",\"user_id\":\"u1\",\"item_id\":\"i1\",\"event_type\":\"rating\",\"value\":11,\"ts\":1700000000}",
        "{\"event_id\":\"b8\",\"user_id\":\"u1\",\"item_id\":\"i1\",\"event_type\":\"rating\",\"ts\":1700000000}",
        "{\"event_id\":\"b9\",\"user_id\":\"u1\",\"item_id\":\"i1\",\"event_type\":\"view\"}",
        "",
        "{\"event_id\":\"b10\",\"user_id\":\"u1\",\"item_id\":\"i1\",\"event_type\":\"rating\",\"value\":\"high\",\"ts\":1700000000}");

    IngestReport r = ingest.run(input, NOW);

    assertEquals(15, r.inputRows(), "the blank line is not a record");
    assertEquals(3, r.accepted());
    assertEquals(11, r.quarantined());
    assertEquals(1, r.duplicatesInInput());
    assertEquals(0, r.duplicatesStored());
    assertEquals(r.inputRows(), r.accepted() + r.quarantined() + r.duplicates());
    assertEquals(3, warehouse.read(Tables.EVENTS).count());

    Map<String, String> reasons = warehouse.read(Tables.EVENTS_QUARANTINE).collectAsList().stream()
        .collect(Collectors.toMap(row -> row.getString(0), row -> row.getString(2)));
    assertEquals(11, reasons.size());
    assertTrue(reasons.get("{not json at all").startsWith("not valid JSON"), reasons.get("{not json at all"));
    assertReason(reasons, "b1", "missing user_id");
    assertReason(reasons, "b2", "missing item_id");
    assertReason(reasons, "b3", "unknown event_type 'like'");
    assertReason(reasons, "b4", "ts 'soon' is not epoch seconds");
    assertReason(reasons, "b5", "is in the future");
    assertReason(reasons, "b6", "before validation.minEventTime");
    assertReason(reasons, "b7", "rating value 11 is outside");
    assertReason(reasons, "b8", "rating event without a value");
    assertReason(reasons, "b9", "missing ts");
    assertReason(reasons, "b10", "rating value 'high' is not a number");
    List<Row> sources = warehouse.read(Tables.EVENTS_QUARANTINE).select(Col.SOURCE).distinct().collectAsList();
    assertTrue(sources.get(0).getString(0).endsWith("events.jsonl"));
  }

  private static void assertReason(Map<String, String> reasons, String eventId, String expected) {
    String raw = reasons.keySet().stream().filter(k -> k.contains("\"" + eventId + "\"")).findFirst().orElseThrow();
    assertTrue(reasons.get(raw).contains(expected), () -> eventId + ": " + reasons.get(raw));
  }

  @Test
  void reRunningTheSameInputAddsNothing() throws Exception {
    Input input = jsonl(
        "{\"event_id\":\"e1\",\"user_id\":\"u1\",\"item_id\":\"i1\",\"event_type\":\"view\",\"ts\":1700000000}",
        "{\"user_id\":\"u2\",\"item_id\":\"i1\",\"event_type\":\"click\",\"ts\":1700000000}",
        "{\"event_id\":\"b\",\"user_id\":\"u1\",\"item_id\":\"i1\",\"event_type\":\"like\",\"ts\":1700000000}");
    IngestReport first = ingest.run(input, NOW);
    IngestReport second = ingest.run(input, NOW);
    assertEquals(2, first.accepted());
    assertEquals(0, second.accepted());
    assertEquals(2, second.duplicatesStored());
    assertEquals(1, second.quarantined(), "a bad record is quarantined on every attempt, with its reason");
    assertEquals(2, warehouse.read(Tables.EVENTS).count());
  }

  @Test
  void anErasedUsersEventsFromBeforeTheErasureAreNotIngestedAgain() throws Exception {
    Timestamp erasedAt = Timestamp.from(Instant.parse("2023-11-15T00:00:00Z"));
    warehouse.append(Tables.ERASURES, SparkFixture.spark().createDataFrame(List.of(RowFactory.create("x1", "u9",
        erasedAt, "cli", NOW)), Schemas.of(Tables.ERASURES)));
    Input input = jsonl(
        "{\"event_id\":\"old\",\"user_id\":\"u9\",\"item_id\":\"i1\",\"event_type\":\"view\",\"ts\":1700000000}",
        "{\"event_id\":\"new\",\"user_id\":\"u9\",\"item_id\":\"i2\",\"event_type\":\"view\",\"ts\":1701000000}",
        "{\"event_id\":\"other\",\"user_id\":\"u1\",\"item_id\":\"i1\",\"event_type\":\"view\",\"ts\":1700000000}");
    IngestReport r = ingest.run(input, NOW);
    assertEquals(1, r.erased(), r.toString());
    assertEquals(List.of("new", "other"), warehouse.read(Tables.EVENTS).select(Col.EVENT_ID).orderBy(Col.EVENT_ID)
        .collectAsList().stream().map(row -> row.getString(0)).toList(), "the event after the erasure is a new user's");
  }

  @Test
  void readsGenericCsvWhateverTheColumnOrder() throws Exception {
    Files.write(dir.resolve("events.csv"), List.of("ts,item_id,user_id,event_type,value", "1700000000,i1,u1,rating,4",
        "1700000001,\"i,2\",u1,cart,", "1700000002,i3"));
    IngestReport r = ingest.run(Input.read(SparkFixture.spark(), "csv", dir.toString()), NOW);
    assertEquals(3, r.inputRows());
    assertEquals(2, r.accepted());
    assertEquals(1, r.quarantined());
    List<String> items = warehouse.read(Tables.EVENTS).orderBy(Col.TS).select(Col.ITEM_ID).as(
        org.apache.spark.sql.Encoders.STRING()).collectAsList();
    assertEquals(List.of("i1", "i,2"), items);
  }

  @Test
  void catalogMergeUpdatesOnlyChangedItemsAndQuarantinesItemsWithoutId() throws Exception {
    Files.write(dir.resolve("events.csv"), List.of("user_id,item_id,event_type,ts"));
    Files.write(dir.resolve("items.csv"), List.of("item_id,title,category,description", "i1,Lamp,home,bright",
        "i2,Chair,home,soft", ",Nameless,home,?"));
    CatalogIngest catalog = new CatalogIngest(warehouse);
    CatalogIngest.Report first = catalog.run(Input.read(SparkFixture.spark(), "csv", dir.toString()), NOW);
    assertEquals(2, first.inserted());
    assertEquals(1, first.quarantined());

    Files.write(dir.resolve("items.csv"), List.of("item_id,title,category,description", "i1,Lamp,home,bright",
        "i2,Chair,home,very soft"));
    CatalogIngest.Report second = catalog.run(Input.read(SparkFixture.spark(), "csv", dir.toString()), NOW);
    assertEquals(0, second.inserted());
    assertEquals(1, second.updated());
    Row chair = warehouse.read(Tables.ITEMS).filter("item_id = 'i2'").head();
    assertEquals("Chair. home. very soft", chair.getString(chair.fieldIndex(Col.TEXT)));
  }

  @Test
  void catalogAvailabilityIsTypedAndUnreadableValuesAreQuarantinedWithTheirReason() throws Exception {
    Files.write(dir.resolve("events.csv"), List.of("user_id,item_id,event_type,ts"));
    // The optional columns by name, in another order than the documented one.
    Files.write(dir.resolve("items.csv"), List.of("item_id,expires_at,available,title,category,description",
        "i1,,,Lamp,home,bright", "i2,,false,Chair,home,soft", "i3,2026-03-01T12:00:00Z,TRUE,Rug,home,warm",
        "i4,,maybe,Vase,home,tall", "i5,next tuesday,,Desk,home,wide"));
    CatalogIngest.Report report = new CatalogIngest(warehouse).run(
        Input.read(SparkFixture.spark(), "csv", dir.toString()), NOW);
    assertEquals(3, report.inserted());
    assertEquals(2, report.quarantined());

    Map<String, Row> items = warehouse.read(Tables.ITEMS).collectAsList().stream()
        .collect(Collectors.toMap(r -> r.getString(r.fieldIndex(Col.ITEM_ID)), r -> r));
    assertTrue(items.get("i1").isNullAt(items.get("i1").fieldIndex(Col.AVAILABLE)), "empty means available");
    assertEquals(false, items.get("i2").getAs(Col.AVAILABLE));
    assertEquals(true, items.get("i3").getAs(Col.AVAILABLE));
    assertEquals(Instant.parse("2026-03-01T12:00:00Z"), items.get("i3").<Timestamp>getAs(Col.EXPIRES_AT).toInstant());
    Map<String, String> reasons = warehouse.read(Tables.EVENTS_QUARANTINE).collectAsList().stream().collect(
        Collectors.toMap(r -> r.getString(r.fieldIndex(Col.RAW)).replaceAll(".*\"item_id\":\"(i\\d)\".*", "$1"),
            r -> r.getString(r.fieldIndex(Col.REASON))));
    assertTrue(reasons.get("i4").startsWith("available is 'maybe'; use true or false"), reasons.toString());
    assertTrue(reasons.get("i5").startsWith("expires_at is 'next tuesday', not a time; use ISO-8601"),
        reasons.toString());

    // Withdrawing an item later is a change like any other: the row is updated.
    Files.write(dir.resolve("items.csv"), List.of("item_id,title,category,description,available",
        "i1,Lamp,home,bright,false", "i2,Chair,home,soft,false", "i3,Rug,home,warm,true"));
    CatalogIngest.Report second = new CatalogIngest(warehouse).run(
        Input.read(SparkFixture.spark(), "csv", dir.toString()), NOW);
    assertEquals(2, second.updated(), "i1 withdrawn, i3's expiry dropped; i2 unchanged");
  }

  @Test
  void aCatalogWrittenBeforeTheAvailabilityColumnsGainsThemOnTheNextIngest() throws Exception {
    // The items table as recflow wrote it before available and expires_at existed.
    SparkFixture.spark().sql("CREATE TABLE delta.`" + warehouse.path(Tables.ITEMS) + "` (item_id STRING, title STRING,"
        + " text STRING, attributes ARRAY<STRING>, updated_at TIMESTAMP) USING delta");
    SparkFixture.spark().sql("INSERT INTO delta.`" + warehouse.path(Tables.ITEMS)
        + "` VALUES ('i1', 'Lamp', 'Lamp. home. bright', array('home'), TIMESTAMP'2025-01-01 00:00:00')");
    Files.write(dir.resolve("events.csv"), List.of("user_id,item_id,event_type,ts"));
    Files.write(dir.resolve("items.csv"), List.of("item_id,title,category,description,available",
        "i1,Lamp,home,bright,false", "i2,Chair,home,soft,"));
    CatalogIngest.Report report = new CatalogIngest(warehouse).run(
        Input.read(SparkFixture.spark(), "csv", dir.toString()), NOW);
    assertEquals(1, report.inserted());
    assertEquals(1, report.updated());
    Row lamp = warehouse.read(Tables.ITEMS).filter("item_id = 'i1'").head();
    assertEquals(false, lamp.getAs(Col.AVAILABLE));
    assertEquals(Tables.ITEMS.columnNames(), List.of(warehouse.read(Tables.ITEMS).columns()));
  }
}
