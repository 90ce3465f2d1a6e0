package io.recflow.evaluation;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

class EvalTableTest {
  private final List<EvalResult> results = List.of(
      new EvalResult("stratified", "als", "ndcg", 10, 0.25),
      new EvalResult("stratified", "als", "users", 10, 610),
      new EvalResult("stratified", "random", "ndcg", 10, 0.004));

  @Test
  void jsonHasOneObjectPerProtocolAndModel() {
    assertEquals("{\"k\":10,\"results\":{\"stratified\":{\"als\":{\"ndcg\":0.250000,\"users\":610.000000},"
        + "\"random\":{\"ndcg\":0.004000}}}}", EvalTable.json(results));
  }

  @Test
  void textHasARowPerModelAndDashesForMissingFigures() {
    String[] lines = EvalTable.text(results).split("\n");
    assertEquals(3, lines.length);
    assertTrue(lines[0].contains("ndcg@10") && lines[0].contains("users"));
    assertTrue(lines[1].contains("0.2500") && lines[1].contains("610"), lines[1]);
    assertTrue(lines[2].trim().endsWith("-"), lines[2]);
  }
}
