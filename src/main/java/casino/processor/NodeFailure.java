package casino.processor;

import org.apache.pekko.actor.CoordinatedShutdown;

/**
 * Why a node shuts itself down when it cannot go on (its stream failed, its view stopped, its
 * HTTP port is taken). {@code processor.conf} maps it to exit status 1, so that a process
 * supervisor sees a failure, never a clean exit.
 */
public enum NodeFailure implements CoordinatedShutdown.Reason {
  INSTANCE
}
