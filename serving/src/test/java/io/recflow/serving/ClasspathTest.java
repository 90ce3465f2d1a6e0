package io.recflow.serving;

import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;

class ClasspathTest {
  @Test
  void sparkIsNotOnTheServersClasspath() {
    // The server must start in milliseconds and a few hundred MB; Spark on its classpath would also
    // bring Jackson 2.15, which Javalin's 2.17 conflicts with.
    assertThrows(ClassNotFoundException.class, () -> Class.forName("org.apache.spark.SparkContext"));
    assertThrows(ClassNotFoundException.class, () -> Class.forName("org.apache.spark.sql.SparkSession"));
  }
}
