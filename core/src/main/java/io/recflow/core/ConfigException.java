package io.recflow.core;

/** Configuration that cannot be used; the message says what is wrong and how to fix it. */
public final class ConfigException extends RuntimeException {
  public ConfigException(String message) {
    super(message);
  }
}
