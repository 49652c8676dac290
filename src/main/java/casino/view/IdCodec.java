package casino.view;

import java.io.ByteArrayOutputStream;
import java.util.Arrays;

/**
 * Remembered ids in a snapshot: sorted, then each as the zig-zag varint of its difference to
 * the previous one. Publisher ids grow with time, so most differences take one or two bytes
 * instead of eight.
 */
final class IdCodec {
  private IdCodec() {}

  static byte[] encode(long[] ids) {
    long[] sorted = ids.clone();
    Arrays.sort(sorted);
    return pack(sorted);
  }

  /** The ids in the order given (sorted, most differences are small). */
  static byte[] pack(long[] ids) {
    ByteArrayOutputStream out = new ByteArrayOutputStream(ids.length * 2 + 16);
    long previous = 0;
    for (long id : ids) {
      long delta = id - previous;
      previous = id;
      long zigzag = (delta << 1) ^ (delta >> 63);
      while ((zigzag & ~0x7FL) != 0) {
        out.write((int) ((zigzag & 0x7F) | 0x80));
        zigzag >>>= 7;
      }
      out.write((int) zigzag);
    }
    return out.toByteArray();
  }

  static long[] decode(byte[] bytes, int count) {
    long[] ids = new long[count];
    long previous = 0;
    int at = 0;
    for (int i = 0; i < count; i++) {
      long zigzag = 0;
      int shift = 0;
      byte b;
      do {
        b = bytes[at++];
        zigzag |= (long) (b & 0x7F) << shift;
        shift += 7;
      } while ((b & 0x80) != 0);
      long delta = (zigzag >>> 1) ^ -(zigzag & 1);
      previous += delta;
      ids[i] = previous;
    }
    return ids;
  }
}
