package io.recflow.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.recflow.core.ColumnDef.Privacy;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class ErasureRequestTest {
  @Test
  void aTombstoneLineReadsBackAsTheRequest() {
    ErasureRequest r = new ErasureRequest("e-1", "user \"7\" ü", 1_733_000_000_123L, "operator");
    assertEquals(Optional.of(r), ErasureRequest.parse(r.toJson()));
    assertTrue(r.toJson().indexOf('\n') < 0, "a landing line has no line break");
  }

  @Test
  void eventsAndMalformedTombstonesAreNotRequests() {
    for (String line : List.of(
        "{\"event_id\":\"e1\",\"user_id\":\"u1\",\"item_id\":\"i1\",\"event_type\":\"view\",\"ts\":1}",
        "{\"recflow_erasure\":{\"erasure_id\":\"e\",\"requested_at\":1}}",
        "{\"recflow_erasure\":{\"erasure_id\":\"e\",\"user_id\":\"\",\"requested_at\":1}}",
        "{\"recflow_erasure\":{\"erasure_id\":\"e\",\"user_id\":\"u\",\"requested_at\":\"1\"}}",
        "{\"recflow_erasure\":{\"erasure_id\":\"e\",\"user_id\":\"u\",\"requested_at\":1,\"extra\":1}}",
        "{\"recflow_erasure\":{\"erasure_id\":\"e\",\"user_id\":\"u\",\"requested_at\":1}} trailing",
        "{\"recflow_erasure\":{\"erasure_id\":\"e\",\"user_id\":\"u\",\"requested_at\":1}",
        "not json")) {
      assertEquals(Optional.empty(), ErasureRequest.parse(line), line);
    }
  }

  @Test
  void anEventBodyShapedLikeATombstoneIsNotAnEvent() {
    String body = new ErasureRequest("e", "u1", 1, "x").toJson();
    RawEvent e = EventJson.parse("http", body);
    assertTrue(e.problem() != null, "the event reader must refuse a tombstone, so no client can post one");
  }

  @Test
  void everyColumnNamedForAUserIsMarkedAsAUserId() {
    for (TableDef t : Tables.ALL) {
      for (ColumnDef c : t.columns()) {
        if (c.name().equals(Tables.Col.USER_ID)) {
          assertEquals(Privacy.USER_ID, c.privacy(), t.name() + "." + c.name());
        }
      }
      assertTrue(t.userIdColumn().isEmpty() || !t.statsColumns().contains(t.userIdColumn().get()),
          t.name() + " would keep statistics of user ids");
    }
    assertEquals(Optional.of(Tables.Col.ID), Tables.USER_FACTORS.userIdColumn());
    assertEquals(Optional.empty(), Tables.ITEM_FACTORS.userIdColumn());
  }
}
