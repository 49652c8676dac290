package casino.processor;

import casino.enrich.EnrichedEvent;
import casino.enrich.EventJson;
import java.io.BufferedOutputStream;
import java.io.FileDescriptor;
import java.io.FileOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * Standard output, where the product's output goes: one JSON line per event and nothing else.
 * A batch is flushed before its messages are acked, so an acked event is always written out.
 *
 * <p>Lines are built in one reused builder and, being almost always ASCII, copied as bytes into
 * one reused array: per event a string, its bytes and a builder were a sixth of what the
 * processor allocated. The 64 KiB buffer makes a write system call per 64 KiB or batch.
 */
final class EventOutput {
  private final OutputStream out;
  private final StringBuilder line = new StringBuilder(512);
  private byte[] ascii = new byte[512];

  EventOutput() {
    this(new FileOutputStream(FileDescriptor.out));
  }

  EventOutput(OutputStream out) {
    this.out = new BufferedOutputStream(out, 1 << 16);
  }

  synchronized void write(List<EnrichedEvent> events) throws IOException {
    if (events.isEmpty()) {
      return;
    }
    for (EnrichedEvent event : events) {
      line.setLength(0);
      EventJson.append(line, event).append('\n');
      write(line);
    }
    out.flush();
  }

  private void write(StringBuilder text) throws IOException {
    int length = text.length();
    if (ascii.length < length) {
      ascii = new byte[2 * length];
    }
    for (int i = 0; i < length; i++) {
      char c = text.charAt(i);
      if (c >= 0x80) {
        out.write(text.toString().getBytes(StandardCharsets.UTF_8));
        return;
      }
      ascii[i] = (byte) c;
    }
    out.write(ascii, 0, length);
  }
}
