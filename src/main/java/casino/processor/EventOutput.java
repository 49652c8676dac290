package casino.processor;

import casino.enrich.EnrichedEvent;
import casino.enrich.EventJson;
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
 * <p>Lines are built in one reused builder and copied as bytes into one 64 KiB buffer: a line
 * is almost always ASCII, and per event a string, its bytes and a builder were a sixth of what
 * the processor allocated.
 */
final class EventOutput {
  private static final int BUFFER_BYTES = 1 << 16;

  private final OutputStream out;
  private final StringBuilder line = new StringBuilder(512);
  private final byte[] buffer = new byte[BUFFER_BYTES];
  private int buffered;

  EventOutput() {
    this(new FileOutputStream(FileDescriptor.out));
  }

  EventOutput(OutputStream out) {
    this.out = out;
  }

  synchronized void write(List<EnrichedEvent> events) throws IOException {
    if (events.isEmpty()) {
      return;
    }
    for (EnrichedEvent event : events) {
      line.setLength(0);
      EventJson.append(line, event).append('\n');
      copy(line);
    }
    out.write(buffer, 0, buffered);
    buffered = 0;
    out.flush();
  }

  private void copy(StringBuilder text) throws IOException {
    int length = text.length();
    if (buffered + length > buffer.length) {
      drain();
    }
    int start = buffered;
    for (int i = 0; i < length && buffered < buffer.length; i++) {
      char c = text.charAt(i);
      if (c >= 0x80) {
        break;
      }
      buffer[buffered++] = (byte) c;
    }
    if (buffered - start < length) {
      // Not ASCII (or longer than the buffer): the encoder's way.
      buffered = start;
      copy(text.toString().getBytes(StandardCharsets.UTF_8));
    }
  }

  private void copy(byte[] bytes) throws IOException {
    if (buffered + bytes.length > buffer.length) {
      drain();
    }
    if (bytes.length > buffer.length) {
      out.write(bytes);
      return;
    }
    System.arraycopy(bytes, 0, buffer, buffered, bytes.length);
    buffered += bytes.length;
  }

  private void drain() throws IOException {
    out.write(buffer, 0, buffered);
    buffered = 0;
  }
}
