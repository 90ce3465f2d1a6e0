package io.recflow.serving;

import io.recflow.core.ApiKey;
import io.recflow.core.ApiKey.Scope;
import java.security.SecureRandom;
import java.util.EnumSet;
import java.util.Locale;
import java.util.Set;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code bin/recflow keys new --name NAME --scopes read+write}: makes an API key. Prints the key,
 * to hand to the client (it is shown once and stored nowhere), and the entry to add to
 * {@code serve.keys} in the server's profile, which holds only a salted hash of it.
 */
@Command(name = "keys", mixinStandardHelpOptions = true, subcommands = KeysCommand.New.class,
    description = "API keys of the server: bin/recflow keys new --name NAME --scopes read+write")
public final class KeysCommand implements Callable<Integer> {
  public static void main(String[] args) {
    int code = new CommandLine(new KeysCommand()).execute(args);
    if (code != 0) {
      System.exit(code);
    }
  }

  @Override
  public Integer call() {
    CommandLine.usage(this, System.out);
    return 0;
  }

  /** {@code keys new}. */
  @Command(name = "new", mixinStandardHelpOptions = true, description = "Make a key; print it and its serve.keys entry.")
  static final class New implements Callable<Integer> {
    @Option(names = "--name", required = true, description = "Who the key is for (letters, digits, . _ -).")
    String name;

    @Option(names = "--scopes", defaultValue = "read", description = "read, write and/or admin, joined by +.")
    String scopes;

    @Option(names = "--entry-only", description = "Print the key on the first line and the entry on the second, "
        + "nothing else (for scripts).")
    boolean entryOnly;

    @Override
    public Integer call() {
      Set<Scope> set = EnumSet.noneOf(Scope.class);
      for (String s : scopes.split("\\+")) {
        try {
          set.add(Scope.valueOf(s.trim().toUpperCase(Locale.ROOT)));
        } catch (IllegalArgumentException e) {
          System.err.println("recflow keys: unknown scope '" + s + "'; use read, write and/or admin joined by +");
          return 2;
        }
      }
      ApiKey.Created created;
      try {
        created = ApiKey.create(name, set, new SecureRandom());
      } catch (IllegalArgumentException e) {
        System.err.println("recflow keys: " + e.getMessage());
        return 2;
      }
      if (entryOnly) {
        System.out.println(created.secret());
        System.out.println(created.key().entry());
        return 0;
      }
      System.out.println("key (give it to the client; it is not stored anywhere, so keep it now):");
      System.out.println("  " + created.secret());
      System.out.println("entry (add it to serve.keys in the server's profile, comma-separated from others):");
      System.out.println("  " + created.key().entry());
      return 0;
    }
  }
}
