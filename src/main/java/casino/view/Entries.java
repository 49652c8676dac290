package casino.view;

import casino.cluster.CborSerializable;
import casino.domain.CasinoEvent;
import casino.domain.EventType;
import java.util.Arrays;

/**
 * What the view needs of processed events, column by column: compact on the wire between nodes
 * and in the journal (a batch of 250 is a few kilobytes of CBOR).
 */
public record Entries(long[] ids, long[] playerIds, byte[] kinds, long[] amountsEur, long[] createdAtMillis)
    implements CborSerializable {

  static final byte GAME_START = 0;
  static final byte BET = 1;
  static final byte WON_BET = 2;
  static final byte DEPOSIT = 3;
  static final byte GAME_STOP = 4;

  public int size() {
    return ids.length;
  }

  static byte kind(CasinoEvent event) {
    return switch (event.type()) {
      case GAME_START -> GAME_START;
      case BET -> event.hasWon() ? WON_BET : BET;
      case DEPOSIT -> DEPOSIT;
      case GAME_STOP -> GAME_STOP;
    };
  }

  static EventType type(byte kind) {
    return switch (kind) {
      case BET, WON_BET -> EventType.BET;
      case DEPOSIT -> EventType.DEPOSIT;
      case GAME_STOP -> EventType.GAME_STOP;
      default -> EventType.GAME_START;
    };
  }

  /** The entries at {@code keep} (indexes into these), in that order. */
  Entries select(int[] keep) {
    Builder b = new Builder(keep.length);
    for (int i : keep) {
      b.add(ids[i], playerIds[i], kinds[i], amountsEur[i], createdAtMillis[i]);
    }
    return b.build();
  }

  public static Builder builder(int capacity) {
    return new Builder(capacity);
  }

  /** Collects entries; {@code amountEur} is the deposit's or bet's value in EUR cents (0 otherwise). */
  public static final class Builder {
    private long[] ids;
    private long[] players;
    private byte[] kinds;
    private long[] amounts;
    private long[] created;
    private int size;

    Builder(int capacity) {
      int n = Math.max(1, capacity);
      ids = new long[n];
      players = new long[n];
      kinds = new byte[n];
      amounts = new long[n];
      created = new long[n];
    }

    public Builder add(CasinoEvent event, Long amountEurCents) {
      return add(event.id(), event.playerId(), kind(event), amountEurCents == null ? 0 : amountEurCents,
          event.createdAt().toEpochMilli());
    }

    Builder add(long id, long player, byte kind, long amountEur, long createdAtMs) {
      if (size == ids.length) {
        int n = size * 2;
        ids = Arrays.copyOf(ids, n);
        players = Arrays.copyOf(players, n);
        kinds = Arrays.copyOf(kinds, n);
        amounts = Arrays.copyOf(amounts, n);
        created = Arrays.copyOf(created, n);
      }
      ids[size] = id;
      players[size] = player;
      kinds[size] = kind;
      amounts[size] = amountEur;
      created[size] = createdAtMs;
      size++;
      return this;
    }

    public Entries build() {
      return new Entries(Arrays.copyOf(ids, size), Arrays.copyOf(players, size), Arrays.copyOf(kinds, size),
          Arrays.copyOf(amounts, size), Arrays.copyOf(created, size));
    }
  }
}
